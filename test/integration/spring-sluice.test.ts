// Issue 13's proof: a real Spring Boot service (Eureka client, Config client, Bus on Kafka) against
// `sluice start` alone — Sluice's registry at /eureka, its config server at /config, its broker
// carrying the bus — in the same scenario that spring-control.test.ts runs against Spring's own
// servers. Values change with `sluice config set`, as a user changes them.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collect, spawnCli, stop, tempDir, waitForOutput } from '../helpers/cli-process.js';
import { springSkipReason } from '../helpers/spring-apps.js';
import { runSpringScenario } from '../helpers/spring-scenario.js';

const skip = springSkipReason();

describe('A Spring Boot service against sluice start: registry, config server and bus', { skip }, () => {
  let sluice: ChildProcess | undefined;
  let http = '';
  let kafka = '';

  before(async () => {
    const dir = tempDir('sluice-spring-');
    // Eureka's response cache refreshed every second, as the control's (Eureka's default is 30 s).
    sluice = spawnCli(['start', '--data-dir', join(dir, 'data'), '--kafka-port', '0', '--http-port', '0'], {
      SLUICE_REGISTRY_CACHE_UPDATE_INTERVAL_MS: '1000',
    });
    const out = await waitForOutput(sluice, /^ {2}data /m, 60_000);
    http = /^ {2}http +(\S+)\/$/m.exec(out)?.[1] ?? '';
    kafka = /^ {2}kafka +(\S+)$/m.exec(out)?.[1] ?? '';
    assert.ok(http && kafka, out);
  });

  after(async () => {
    if (sluice) await stop(sluice);
  });

  test('registers, renews, fetches deltas with no full fetch, loads config and refreshes over the bus', async (t) => {
    const setProperty = async (application: string, key: string, value: string) => {
      const result = await collect(
        spawnCli(['config', 'set', application, key, value, '--url', http, '--author', 'spring-test']),
        30_000,
      );
      assert.equal(result.code, 0, `sluice config set: ${result.stderr}`);
    };
    const result = await runSpringScenario({
      eurekaUrl: `${http}/eureka`,
      configUrl: `${http}/config`,
      bootstrap: kafka,
      setProperty,
      log: (line) => t.diagnostic(line),
    });
    t.diagnostic(
      `full fetches ${result.fullFetches} (after first sight ${result.fullFetchesAfterFirstSight}), ` +
        `deltas ${result.deltaFetches}, mismatches ${result.reconcileHashCodeMismatches}, ` +
        `refresh ${result.refreshLatencyMs} ms after the bus event`,
    );
    assert.equal(result.fullFetchesAfterFirstSight, 0);
    assert.equal(result.reconcileHashCodeMismatches, 0);
    assert.equal(result.refreshEvent.key, null);
    assert.deepEqual(
      result.refreshEvent.headers.find(([k]) => k === 'contentType'),
      ['contentType', 'application/json'],
    );
    const event = JSON.parse(result.refreshEvent.value) as Record<string, unknown>;
    assert.equal(event.type, 'RefreshRemoteApplicationEvent');
    assert.equal(event.destinationService, 'demo-app:**');
    const ack = JSON.parse(result.ackEvent.value) as Record<string, unknown>;
    assert.equal(ack.type, 'AckRemoteApplicationEvent');
    const fetches = result.wire.config.filter(
      (e) => e.method === 'GET' && e.path === '/config/demo-app/default',
    );
    assert.ok(fetches.length >= 2, `config fetches: ${result.wire.config.map((e) => e.path).join(', ')}`);
  });
});
