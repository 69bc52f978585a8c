// The platform (HTTP, health, metrics exposition, lag, alerts, logs) runs on its own thread: a
// platform that dies takes neither the broker nor its data with it, and comes back on its port.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import { Produce } from '../../src/protocol/index.js';
import { sampleValue, startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const TOPIC = 'survives-platform';
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** Name and scheduling policy of every thread of this process, from /proc/self/task. */
function threadsOfThisProcess(): Map<number, { name: string; policy: number }> {
  const out = new Map<number, { name: string; policy: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; the policy is 41.
    const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
    const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    out.set(Number(tid), { name, policy });
  }
  return out;
}

function hasChrt(): boolean {
  return spawnSync('chrt', ['--version']).status === 0;
}

describe('the platform thread', () => {
  let platform: TestPlatform;
  let kafka: WireClient;

  before(async () => {
    // A small heap, so one oversized push exhausts it for real.
    platform = await startTestPlatform({ platformHeapMb: 48 });
    await platform.broker.core.logs.createTopic(TOPIC, 1, {});
    kafka = await WireClient.connect(platform.broker.port);
  });
  after(async () => {
    kafka?.close();
    await platform?.dispose();
  });

  const produce = async (value: string) => {
    const res = await kafka.request(Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: buildBatch([{ value }]) }] }],
    });
    const partition = res.responses[0].partitionResponses[0];
    assert.equal(partition.errorCode, 0);
    return Number(partition.baseOffset);
  };

  it('is not the broker thread', async () => {
    const first = platform.supervisor.threadId;
    assert.ok(first !== undefined && first !== threadId, 'the platform runs on a worker thread');
    // The broker's own metrics still reach /metrics, through the platform thread.
    await produce('one');
    const text = await (await platform.get('/metrics')).text();
    assert.equal(sampleValue(text, 'sluice_messages_in_total', { topic: TOPIC }), 1);
    assert.ok((sampleValue(text, 'nodejs_heap_size_used_bytes') ?? 0) > 0);
  });

  const needsChrt = { skip: hasChrt() ? false : 'no chrt on this machine (threads fall back to nice 19)' };

  it(
    'bug: the platform thread at nice 10 kept the core for its slice while the broker thread waited (it runs SCHED_IDLE)',
    needsChrt,
    () => {
      const threads = threadsOfThisProcess();
      assert.equal(
        threads.get(process.pid)?.policy,
        SCHED_OTHER,
        'the broker thread keeps the normal policy',
      );
      const platform = [...threads.values()].filter((t) => t.name === 'WorkerThread');
      assert.ok(platform.length >= 1, 'the platform worker thread is named WorkerThread');
      assert.ok(
        platform.some((t) => t.policy === SCHED_IDLE),
        `the platform thread runs SCHED_IDLE: ${JSON.stringify(platform)}`,
      );
    },
  );

  it(
    "bug: the platform's garbage collections ran on V8's helper threads at the broker's priority (they run SCHED_IDLE)",
    needsChrt,
    () => {
      const threads = [...threadsOfThisProcess().values()];
      const helpers = threads.filter((t) => t.name === 'V8Worker');
      assert.ok(helpers.length >= 1, 'V8 has helper threads');
      assert.ok(
        helpers.every((t) => t.policy === SCHED_IDLE),
        JSON.stringify(helpers),
      );
      // The broker's fsyncs and file reads run on libuv's pool: those keep the normal policy.
      const pool = threads.filter((t) => t.name === 'libuv-worker');
      assert.ok(
        pool.every((t) => t.policy === SCHED_OTHER),
        JSON.stringify(pool),
      );
    },
  );

  it('bug 0: a platform thread that dies (heap exhausted by a push) leaves Kafka serving and comes back on its port', async () => {
    const before = platform.supervisor.threadId;
    const port = platform.http.port;
    const lines = 400_000;
    const ts = String(Date.now() * 1e6);
    const body = `{"streams":[{"stream":{"service":"huge"},"values":[${new Array(lines).fill(`["${ts}","x"]`).join(',')}]}]}`;
    const push = fetch(`${platform.http.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }).then(
      (res) => res.status,
      () => 'connection lost',
    );
    // Kafka answers while the platform thread fills its heap and dies.
    const offset = await produce('two');
    assert.equal(await push, 'connection lost', 'the push took the platform thread down');

    await eventually('the platform thread to come back', 30_000, async () => {
      if (platform.supervisor.threadId === before || platform.supervisor.threadId === undefined)
        return undefined;
      const res = await platform.get('/actuator/health');
      return res.status === 200 ? true : undefined;
    });
    assert.equal(platform.http.port, port);
    assert.equal(platform.supervisor.port, port, 'the same port as before');
    const text = await (await platform.get('/metrics')).text();
    assert.equal(sampleValue(text, 'sluice_platform_restarts_total', { reason: 'out_of_memory' }), 1);
    // Nothing acknowledged was lost, and the broker kept its counters across the platform's restart.
    assert.equal(sampleValue(text, 'sluice_messages_in_total', { topic: TOPIC }), 2);
    assert.equal(await produce('three'), offset + 1);
  });
});
