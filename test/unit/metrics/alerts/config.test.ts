import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from '../../../../src/config/index.js';
import { RULES } from '../../../../src/metrics/alerts/index.js';
import { alertConfig } from '../../../helpers/config.js';
import { repoRoot } from '../../../helpers/repo-root.js';

test('no section gives the defaults', () => {
  const config = alertConfig(undefined);
  assert.equal(config.enabled, true);
  assert.equal(config.evaluationInterval, 15_000);
  assert.equal(config.repeatInterval, 4 * 3_600_000);
  assert.deepEqual(config.webhooks, []);
  for (const def of RULES) assert.deepEqual(config.rules[def.kind], def.defaults);
});

test('durations, thresholds and webhooks are read', () => {
  const config = alertConfig({
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
    ['yes', /^alerts: must be a mapping of keys to values, got 'yes'/],
    [{ evalInterval: '1m' }, /^alerts\.evalInterval: unknown key \(known: enabled, evaluationInterval/],
    [
      { evaluationInterval: '15 seconds' },
      /^alerts\.evaluationInterval: must be a duration like 30s.*got '15 seconds'/,
    ],
    [{ evaluationInterval: '0s' }, /^alerts\.evaluationInterval: must be a duration .*longer than 0/],
    [{ enabled: 'no' }, /^alerts\.enabled: must be true or false, got 'no'/],
    [{ rules: { lag: {} } }, /^alerts\.rules\.lag: unknown key \(known: brokerDown/],
    [
      { rules: { consumerLag: { threshhold: 1 } } },
      /^alerts\.rules\.consumerLag\.threshhold: unknown key \(did you mean 'threshold'\?\)/,
    ],
    [
      { rules: { consumerLag: { threshold: -1 } } },
      /^alerts\.rules\.consumerLag\.threshold: must be a number ≥ 0, got -1/,
    ],
    [
      { rules: { consumerLag: { for: '5 minutes' } } },
      /^alerts\.rules\.consumerLag\.for: must be a duration/,
    ],
    [{ rules: { brokerDown: { threshold: 1 } } }, /^alerts\.rules\.brokerDown\.threshold: unknown key/],
    [{ webhooks: { url: 'http://x' } }, /^alerts\.webhooks: must be a list/],
    [{ webhooks: [{}] }, /^alerts\.webhooks\[0\]\.url: required/],
    [{ webhooks: [{ url: 'ftp://x/' }] }, /^alerts\.webhooks\[0\]\.url: must be an http or https URL/],
    [
      { webhooks: [{ url: 'http://x/', retries: 1.5 }] },
      /^alerts\.webhooks\[0\]\.retries: must be an integer ≥ 0, got 1\.5/,
    ],
  ];
  for (const [raw, message] of bad) {
    assert.throws(
      () => alertConfig(raw),
      (err: Error) => {
        assert.ok(err instanceof ConfigError, `${JSON.stringify(raw)} threw ${err}`);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});

test('the example config file parses and restates the defaults', () => {
  const path = join(repoRoot(), 'deploy', 'sluice.example.yaml');
  const { config } = resolveConfig({ path, text: readFileSync(path, 'utf8') });
  for (const def of RULES) assert.deepEqual(config.alerts.rules[def.kind], def.defaults, def.kind);
  assert.equal(config.alerts.webhooks[0].name, 'ops');
});
