// The log monitor only speaks the Kafka protocol, so Apache Kafka can be its store: the same
// push, index, query and restart round trip against a real Kafka 4.3.1 (skipped with the reason
// where Java or the reference Kafka is missing).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { type LogMonitor, startLogMonitor } from '../../src/logs/index.js';
import { queryRange, type StreamsData } from '../../src/logs/logql/index.js';
import { type RunningBroker, startKafka } from '../compat/matrix/brokers.js';
import { peerMissing } from '../compat/peers.js';
import { logsConfig } from '../helpers/config.js';
import { eventually } from '../helpers/waiting.js';

const missing = await peerMissing('kafka-tools');

describe('log monitor on Apache Kafka', { skip: missing ?? false }, () => {
  let kafka: RunningBroker;
  const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });
  const config = logsConfig({ partitions: 2, chunkInterval: '500ms' });
  const start = BigInt(Date.now()) * 1_000_000n;
  const open = () => startLogMonitor({ bootstrap: [kafka.bootstrap], config, logger });
  const count = async (monitor: LogMonitor, query: string) => {
    const data = (await queryRange(
      {
        query,
        startNs: start - 60_000_000_000n,
        endNs: start + 600_000_000_000n,
        stepMs: 1000,
        limit: 5000,
        direction: 'forward',
      },
      monitor.store,
    )) as StreamsData;
    return data.result.reduce((n, s) => n + s.values.length, 0);
  };

  before(async () => {
    kafka = await startKafka();
  });
  after(() => kafka?.stop());

  it('stores, indexes and queries lines, and reads its index back after a restart', async () => {
    let monitor = await open();
    try {
      const entries = Array.from({ length: 300 }, (_, i) => ({
        timestampNs: start + BigInt(i) * 1_000_000n,
        labels: { service: i % 3 === 0 ? 'orders' : 'users', level: i % 10 === 0 ? 'error' : 'info' },
        line: `line ${i}`,
      }));
      await monitor.store.push(entries);
      await eventually('300 lines indexed from Kafka', 30_000, async () =>
        monitor.store.index.stats([], start - 1n, start + 600_000_000_000n).entries === 300
          ? true
          : undefined,
      );
      assert.equal(await count(monitor, '{service="orders"}'), 100);
      // Error lines are every tenth; those containing "line 1": 10 and 100, 110, ..., 190.
      assert.equal(await count(monitor, '{level="error"} |= "line 1"'), 11);
    } finally {
      await monitor.close();
    }
    monitor = await open();
    try {
      assert.equal(monitor.store.index.stats([], start - 1n, start + 600_000_000_000n).entries, 300);
      assert.equal(await count(monitor, '{service="users"}'), 200);
    } finally {
      await monitor.close();
    }
  });
});
