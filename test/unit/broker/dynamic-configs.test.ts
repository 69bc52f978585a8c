// Dynamic broker configs: Kafka's precedence, validation wording and what survives a reload.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BrokerConfigError,
  DYNAMIC_CONFIGS_FILE,
  DynamicBrokerConfigs,
} from '../../../src/broker/dynamic-configs.js';
import { DEFAULT_LOG_CONFIG } from '../../../src/storage/index.js';

describe('DynamicBrokerConfigs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dyn-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('overlays static defaults: node over cluster default, ms over minutes over hours', () => {
    const configs = new DynamicBrokerConfigs(undefined, DEFAULT_LOG_CONFIG, {
      default: { 'log.retention.hours': '1', 'log.segment.bytes': '1048576' },
      node: { 'log.retention.minutes': '2', 'log.segment.bytes': '2097152' },
    });
    const d = configs.effectiveDefaults();
    assert.equal(d.retentionMs, 120_000);
    assert.equal(d.segmentBytes, 2_097_152);
    assert.equal(d.segmentMs, DEFAULT_LOG_CONFIG.segmentMs);
    const withMs = configs.proposed('', { 'log.retention.hours': '1', 'log.retention.ms': '5' });
    assert.equal(withMs.retentionMs, 5);
    // Negative hours mean "forever", as Kafka's logRetentionTimeMillis has it.
    assert.equal(configs.proposed('1', { 'log.retention.hours': '-1' }).retentionMs, -1);
  });

  it('names every static key at once, and the key of a bad value', () => {
    const configs = new DynamicBrokerConfigs(undefined, DEFAULT_LOG_CONFIG);
    assert.throws(
      () => configs.proposed('1', { 'log.dirs': '/x', 'node.id': '2', 'log.retention.ms': '1' }),
      (err: Error) =>
        err instanceof BrokerConfigError &&
        err.message === 'Cannot update these configs dynamically: Set(log.dirs, node.id)',
    );
    assert.throws(
      () => configs.proposed('', { 'message.max.bytes': '-5' }),
      (err: Error) => err instanceof BrokerConfigError && err.message.includes('message.max.bytes'),
    );
    assert.throws(() => configs.proposed('', { 'log.roll.hours': 'soon' }), /log\.roll\.hours/);
  });

  it('persists a level and reloads it; stored entries no longer valid are dropped with a warning', async () => {
    const configs = await DynamicBrokerConfigs.load(dir, DEFAULT_LOG_CONFIG, () => assert.fail('no warning'));
    const applied = await configs.replace('', { 'log.retention.bytes': '1000' });
    assert.equal(applied.retentionBytes, 1000);
    const stored = JSON.parse(readFileSync(join(dir, DYNAMIC_CONFIGS_FILE), 'utf8'));
    assert.deepEqual(stored, { default: { 'log.retention.bytes': '1000' }, node: {} });

    writeFileSync(
      join(dir, DYNAMIC_CONFIGS_FILE),
      JSON.stringify({
        default: { 'log.retention.bytes': '1000', 'log.dirs': '/x' },
        node: { 'log.roll.ms': '0' },
      }),
    );
    const warnings: string[] = [];
    const reloaded = await DynamicBrokerConfigs.load(dir, DEFAULT_LOG_CONFIG, (m) => warnings.push(m));
    assert.deepEqual(reloaded.level(''), { 'log.retention.bytes': '1000' });
    assert.deepEqual(reloaded.level('1'), {});
    assert.equal(warnings.length, 2);
    assert.equal(reloaded.effectiveDefaults().retentionBytes, 1000);
  });
});
