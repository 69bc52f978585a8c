import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { AlertConfigError, parseAlertConfig, RULES } from '../../../../src/metrics/alerts/index.js';
import { repoRoot } from '../../../helpers/repo-root.js';

test('no section gives the defaults', () => {
  const config = parseAlertConfig(undefined);
  assert.equal(config.enabled, true);
  assert.equal(config.evaluationInterval, 15_000);
  assert.equal(config.repeatInterval, 4 * 3_600_000);
  assert.deepEqual(config.webhooks, []);
  for (const def of RULES) assert.deepEqual(config.rules[def.kind], def.defaults);
});

test('durations, thresholds and webhooks are read', () => {
  const config = parseAlertConfig({
    evaluationInterval: '30s',
    repeatInterval: '1h30m',
    webhooks: [{ url: 'http://127.0.0.1:9/hook', retries: 1, timeout: '500ms' }],
    rules: { consumerLag: { threshold: 5, window: '10m', for: '0s', severity: 'critical' } },
  });
  assert.equal(config.evaluationInterval, 30_000);
  assert.equal(config.repeatInterval, 5_400_000);
  assert.deepEqual(config.webhooks[0], {
    url: 'http://127.0.0.1:9/hook',
    name: 'webhook',
    sendResolved: true,
    timeout: 500,
    retries: 1,
    maxAlerts: 0,
  });
  assert.deepEqual(config.rules.consumerLag, {
    enabled: true,
    threshold: 5,
    window: 600_000,
    for: 0,
    severity: 'critical',
  });
});

test('errors name the bad key', () => {
  const bad: [unknown, RegExp][] = [
    ['yes', /^alerts: expected a mapping/],
    [{ evalInterval: '1m' }, /^alerts\.evalInterval: unknown key \(known: enabled, evaluationInterval/],
    [{ evaluationInterval: 15 }, /^alerts\.evaluationInterval: expected a duration like 30s.*got 15/],
    [{ evaluationInterval: '0s' }, /^alerts\.evaluationInterval: must be longer than 0s/],
    [{ enabled: 'no' }, /^alerts\.enabled: expected true or false/],
    [{ rules: { lag: {} } }, /^alerts\.rules\.lag: unknown key \(known: brokerDown/],
    [{ rules: { consumerLag: { threshhold: 1 } } }, /^alerts\.rules\.consumerLag\.threshhold: unknown key/],
    [
      { rules: { consumerLag: { threshold: -1 } } },
      /^alerts\.rules\.consumerLag\.threshold: expected a number ≥ 0/,
    ],
    [
      { rules: { consumerLag: { for: '5 minutes' } } },
      /^alerts\.rules\.consumerLag\.for: expected a duration/,
    ],
    [{ rules: { brokerDown: { threshold: 1 } } }, /^alerts\.rules\.brokerDown\.threshold: unknown key/],
    [{ webhooks: { url: 'http://x' } }, /^alerts\.webhooks: expected a list/],
    [{ webhooks: [{}] }, /^alerts\.webhooks\[0\]\.url: required/],
    [{ webhooks: [{ url: 'ftp://x/' }] }, /^alerts\.webhooks\[0\]\.url: expected an http or https URL/],
    [
      { webhooks: [{ url: 'http://x/', retries: 1.5 }] },
      /^alerts\.webhooks\[0\]\.retries: expected a whole number/,
    ],
  ];
  for (const [raw, message] of bad) {
    assert.throws(
      () => parseAlertConfig(raw),
      (err: Error) => {
        assert.ok(err instanceof AlertConfigError, `${JSON.stringify(raw)} threw ${err}`);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});

test('the example config file parses and restates the defaults', () => {
  const text = readFileSync(join(repoRoot(), 'deploy', 'sluice.example.yaml'), 'utf8');
  const config = parseAlertConfig((parse(text) as { alerts: unknown }).alerts);
  for (const def of RULES) assert.deepEqual(config.rules[def.kind], def.defaults, def.kind);
  assert.equal(config.webhooks[0].name, 'ops');
});
