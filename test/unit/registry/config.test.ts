// The `registry:` section: Eureka's defaults, durations spelled as in the rest of the file, and a
// bad value named with its key.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from '../../../src/config/index.js';
import { DEFAULT_REGISTRY_CONFIG } from '../../../src/registry/index.js';

const text = (yaml: string) => ({ path: 'sluice.yaml', text: yaml });

test("an empty file gives Eureka's defaults", () => {
  assert.deepEqual(resolveConfig({}).config.registry, DEFAULT_REGISTRY_CONFIG);
});

test('durations and sizes are spelled as elsewhere; a bad value names its key', () => {
  const { config } = resolveConfig(
    text('registry:\n  leaseDurationMs: 30s\n  selfPreservation: false\n  maxBodyBytes: 64KiB\n'),
  );
  assert.equal(config.registry.leaseDurationMs, 30_000);
  assert.equal(config.registry.selfPreservation, false);
  assert.equal(config.registry.maxBodyBytes, 65_536);
  assert.throws(
    () => resolveConfig(text('registry:\n  renewalPercentThreshold: 1.5\n')),
    (e: unknown) => e instanceof ConfigError && /registry\.renewalPercentThreshold/.test(e.message),
  );
});
