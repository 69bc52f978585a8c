// Issue 10, bug 0: one Java (or franz-go) consumer group killed `sluice start` a few seconds after
// the group became Stable. The lag monitor's DescribeGroups parser (a client library's) read the
// assignment's null user data (int32 -1) as a compact varint and threw from a socket callback.
// Here real groups run against `sluice start` in process until their lag shows in /metrics, and
// the platform must still be up and its lag monitor healthy.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Produce } from '../../src/protocol/index.js';
import { encodeAssignment, WireMember } from '../compat/group/wire-group.js';
import { peerMissing, repoRoot } from '../compat/peers.js';
import { sampleValue, startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const noJava = await peerMissing('kafka-tools');
const FRANZ = join(repoRoot(), 'test', 'compat', 'matrix', 'go', 'bin', 'franz');
const noFranz = existsSync(FRANZ)
  ? false
  : `franz-go adapter not built (test/compat/matrix/go/build.sh franz)`;

/** Kills a child and, when it leads its own process group (a JVM under bash), the whole group. */
function stopTree(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

describe('a Java or franz-go consumer group does not take sluice start down (issue 10, bug 0)', () => {
  let platform: TestPlatform;
  const children: ChildProcess[] = [];

  before(async () => {
    platform = await startTestPlatform();
  });
  after(async () => {
    for (const child of children) stopTree(child);
    await platform?.dispose();
  });

  const metrics = async () => (await platform.get('/metrics')).text();

  async function produce(topic: string, count: number): Promise<void> {
    await platform.broker.core.logs.createTopic(topic, 1, {});
    const client = await WireClient.connect(platform.broker.port);
    try {
      const records = Array.from({ length: count }, (_, i) => ({ value: `v${i}` }));
      const res = await client.request(Produce, 9, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch(records) }] }],
      });
      assert.equal(res.responses[0].partitionResponses[0].errorCode, 0);
    } finally {
      client.close();
    }
  }

  /** Waits until /metrics shows the group with `members` members and its lag on partition 0. */
  async function lagShows(group: string, topic: string, members: number, lag: number): Promise<void> {
    await eventually(`lag of ${group} in /metrics`, 60_000, async () => {
      const text = await metrics();
      const shown = sampleValue(text, 'kafka_consumergroup_lag', {
        consumergroup: group,
        topic,
        partition: '0',
      });
      const count = sampleValue(text, 'kafka_consumergroup_members', { consumergroup: group });
      return shown === lag && count === members ? true : undefined;
    });
  }

  async function stillUp(): Promise<void> {
    const health = await platform.get('/actuator/health');
    assert.equal(health.status, 200);
    const text = await metrics();
    assert.equal(sampleValue(text, 'sluice_lag_monitor_up'), 1);
  }

  it('a Stable group whose assignment has null user data (int32 -1) shows its lag, and the platform stays up', async () => {
    await produce('nulls', 5);
    const member = await WireMember.connect(platform.broker.port, 'nulls-g', ['nulls']);
    try {
      await member.joinAndSync(); // the assignment ends in user data ff ff ff ff, as Java sends it
      assert.equal(
        encodeAssignment({ nulls: [0] })
          .subarray(-4)
          .toString('hex'),
        'ffffffff',
      );
      const committed = await member.commit([{ topic: 'nulls', partition: 0, offset: 2 }]);
      assert.equal(committed.topics[0].partitions[0].errorCode, 0);
      await lagShows('nulls-g', 'nulls', 1, 3);
      await stillUp();
    } finally {
      member.close();
    }
  });

  it('a Java console-consumer group shows its lag and the platform stays up', {
    skip: noJava ?? false,
    timeout: 120_000,
  }, async () => {
    await produce('java-t', 3);
    const script = join(repoRoot(), 'scripts', 'peers', 'kafka-tool.sh');
    const consumer = spawn(
      'bash',
      [
        script,
        'console-consumer',
        '--bootstrap-server',
        platform.broker.bootstrap,
        '--topic',
        'java-t',
        '--group',
        'java-g',
        '--from-beginning',
        '--command-property',
        'auto.commit.interval.ms=200',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    children.push(consumer);
    let read = '';
    consumer.stdout?.on('data', (d: Buffer) => {
      read += d.toString();
    });
    // Read to the end and committed: lag 0, one member, described while Stable.
    await lagShows('java-g', 'java-t', 1, 0);
    assert.deepEqual(
      read.split('\n').filter((l) => /^v\d$/.test(l)),
      ['v0', 'v1', 'v2'],
    );
    await stillUp();
    stopTree(consumer);
  });

  it('a franz-go group shows its lag and the platform stays up', {
    skip: noFranz,
    timeout: 120_000,
  }, async () => {
    await produce('franz-t', 4);
    const member = spawn(
      FRANZ,
      ['--bootstrap', platform.broker.bootstrap, '--hold-group', 'franz-g', '--topic', 'franz-t'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    children.push(member);
    await lagShows('franz-g', 'franz-t', 1, 0);
    await stillUp();
    member.stdin?.end(); // the member commits, leaves and exits
    await new Promise((resolve) => member.once('exit', resolve));
  });
});
