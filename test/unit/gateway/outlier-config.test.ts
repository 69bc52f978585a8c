// `gateway.outlierDetection` in the config file: Envoy's defaults, durations in the config room's
// units, and bad values named by key.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, resolveConfig } from '../../../src/config/index.js';

describe('gateway.outlierDetection', () => {
  it("takes Envoy's defaults and the config room's duration units", () => {
    const plain = resolveConfig({ text: 'gateway: {}\n', env: {} }).config.gateway.outlierDetection;
    assert.deepEqual(plain, {
      consecutive5xx: 5,
      baseEjectionTimeMs: 30_000,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 10,
      intervalMs: 10_000,
    });
    const set = resolveConfig({
      text: 'gateway:\n  outlierDetection:\n    consecutive5xx: 3\n    baseEjectionTimeMs: 10s\n',
      env: {},
    }).config.gateway.outlierDetection;
    assert.equal(set.consecutive5xx, 3);
    assert.equal(set.baseEjectionTimeMs, 10_000);
  });

  it('refuses bad values, naming the key', () => {
    assert.throws(
      () => resolveConfig({ text: 'gateway:\n  outlierDetection: {consecutive5xx: 0}\n', env: {} }),
      (e: unknown) => e instanceof ConfigError && /gateway\.outlierDetection\.consecutive5xx/.test(e.message),
    );
  });
});
