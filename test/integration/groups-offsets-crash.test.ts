// Committed offsets are durable: `sluice broker` runs as a child process and is killed with
// SIGKILL; after a restart on the same data directory every acknowledged commit is there, and
// real clients of each group resume exactly where they had committed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { CreateTopics, errorName } from '../../src/protocol/index.js';
import {
  GROUP_CLIENTS,
  type GroupClient,
  type GroupMember,
  groupClientMissing,
  killAllMembers,
  startMember,
} from '../compat/group/members.js';
import { type Produced, trickle } from '../compat/group/trickle.js';
import { commitErrors, commitOffsets, committedOffsets } from '../compat/group/wire-group.js';
import { type BrokerProcess, spawnBroker } from '../helpers/broker-process.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

async function createTopic(port: number, name: string, partitions: number) {
  const client = await WireClient.connect(port);
  try {
    const res = await client.request(CreateTopics, 5, {
      topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.equal(errorName(res.topics[0].errorCode), 'NONE');
  } finally {
    client.close();
  }
}

/** Per partition, one past the highest produced offset: what a consumer that read everything commits. */
function endOffsets(topic: string, produced: Produced[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of produced)
    out[`${topic}/${p.partition}`] = Math.max(out[`${topic}/${p.partition}`] ?? 0, p.offset + 1);
  return out;
}

describe('committed offsets across a broker kill -9', { concurrency: 1 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-groups-crash-'));
  let broker: BrokerProcess | undefined;
  let wire: WireClient | undefined;

  after(async () => {
    await killAllMembers();
    wire?.close();
    await broker?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function restart() {
    wire?.close();
    await broker?.stop('SIGKILL');
    broker = await spawnBroker(dataDir);
    wire = await WireClient.connect(broker.port);
    return broker;
  }

  it('keeps every acknowledged OffsetCommit after kill -9 in the middle of a stream of commits', async (t) => {
    const b = await restart();
    await createTopic(b.port, 'commits', 4);
    const acked = [-1, -1, -1, -1];
    const sent = [-1, -1, -1, -1];
    let stop = false;
    // One connection per partition, each committing 1, 2, 3, ... as fast as the acks come.
    const loops = acked.map(async (_, partition) => {
      const client = await WireClient.connect(b.port);
      try {
        for (let offset = 1; !stop; offset++) {
          sent[partition] = offset;
          const res = await commitOffsets(client, 'durable', [{ topic: 'commits', partition, offset }]);
          assert.deepEqual(commitErrors(res), { [`commits/${partition}`]: 'NONE' });
          acked[partition] = offset;
        }
      } catch {
        // the broker died under us
      } finally {
        client.close();
      }
    });
    // Kill in the middle of the commits: once every partition has had 50 acknowledged.
    await eventually('50 acknowledged commits on every partition', 60_000, async () =>
      acked.every((a) => a >= 50) ? true : undefined,
    );
    await b.stop('SIGKILL');
    stop = true;
    await Promise.all(loops);
    assert.ok(
      acked.every((a) => a > 10),
      `commits were acknowledged before the kill: ${acked}`,
    );

    t.diagnostic(`acknowledged commits per partition before the kill: ${acked}`);
    await restart();
    const committed = await committedOffsets(wire as WireClient, 'durable');
    for (let p = 0; p < 4; p++) {
      const got = committed[`commits/${p}`];
      assert.ok(
        got >= acked[p] && got <= sent[p],
        `partition ${p}: committed ${got}, acknowledged ${acked[p]}, last sent ${sent[p]}`,
      );
    }
  });

  it('real clients resume from their committed offsets after kill -9 and restart', async (t) => {
    const clients: GroupClient[] = [];
    for (const c of GROUP_CLIENTS) {
      const why = await groupClientMissing(c);
      if (why) t.diagnostic(`${c} skipped: ${why}`);
      else clients.push(c);
    }
    let b = await restart();
    const topic = 'resume';
    await createTopic(b.port, topic, 3);
    const first = await trickle(b.port, topic, { total: 300, durationMs: 300, partitions: 3 });
    const ends = endOffsets(topic, first);
    const cfg = (client: GroupClient, bootstrap: string, name: string) => ({
      bootstrap,
      group: `resume-${client}`,
      topic,
      clientId: `${client.replace(/[^a-z]/g, '')}-${name}`,
      sessionTimeoutMs: 6000, // the stand-alone broker keeps Kafka's group.min.session.timeout.ms
      heartbeatIntervalMs: 1000,
      rebalanceTimeoutMs: 10_000,
    });
    const distinct = (m: GroupMember) => new Set(m.messages.map((x) => x.v));

    // Each client reads everything in its own group and commits; then stops cleanly.
    const readers = clients.map((c) => startMember(c, 'first', cfg(c, b.bootstrap, 'first')));
    await Promise.all(
      readers.map((m) => m.waitFor(() => distinct(m).size === 300, 60_000, 'all 300 messages')),
    );
    const deadline = Date.now() + 20_000;
    const notCommitted = new Map<GroupClient, Record<string, number>>(clients.map((c) => [c, {}]));
    while (notCommitted.size > 0 && Date.now() < deadline) {
      for (const c of notCommitted.keys()) {
        const committed = await committedOffsets(wire as WireClient, `resume-${c}`);
        if (isDeepStrictEqual(committed, ends)) notCommitted.delete(c);
        else notCommitted.set(c, committed);
      }
      await sleep(100);
    }
    assert.deepEqual(
      Object.fromEntries(notCommitted),
      {},
      `clients that never committed the log end ${JSON.stringify(ends)} (their committed offsets)`,
    );
    for (const m of readers) assert.equal((await m.stop()).code, 0, `${m.describe()}\n${m.tail()}`);

    b = await restart();
    for (const c of clients) {
      assert.deepEqual(
        await committedOffsets(wire as WireClient, `resume-${c}`),
        ends,
        `${c}: offsets after kill -9`,
      );
    }

    // 150 more; a fresh member of each group reads exactly those.
    const second = await trickle(b.port, topic, { total: 150, durationMs: 300, partitions: 3, start: 300 });
    const newValues = new Set(second.map((p) => p.value));
    const resumed = clients.map((c) => startMember(c, 'resumed', cfg(c, b.bootstrap, 'resumed')));
    await Promise.all(
      resumed.map((m) =>
        m.waitFor(() => [...newValues].every((v) => distinct(m).has(v)), 60_000, 'the 150 new messages'),
      ),
    );
    // Each member reads a partition in offset order: anything committed before the crash that it
    // re-read came before the new messages it has now read.
    for (const m of resumed) {
      assert.equal((await m.stop()).code, 0, `${m.describe()}\n${m.tail()}`);
      const old = m.messages.filter((x) => !newValues.has(x.v ?? ''));
      assert.deepEqual(
        old.slice(0, 5).map((x) => `${x.p}@${x.o}`),
        [],
        `${m.client} re-read ${old.length} messages committed before the crash`,
      );
    }
  });
});
