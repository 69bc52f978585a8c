// The client room's DescribeGroups (Sluice's own codec): members' assignments decode whatever
// client wrote them, undecodable ones leave the member without an assignment, and nothing a
// broker sends can throw out of a socket callback.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClusterClient, describeGroups } from '../../src/client/index.js';
import { encodeAssignment, WireMember } from '../compat/group/wire-group.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';

describe('describing groups through the client room', () => {
  let broker: TestBroker;
  let client: ClusterClient;
  before(async () => {
    broker = await startTestBroker();
    await broker.core.logs.createTopic('dg', 2, {});
    client = new ClusterClient({ bootstrap: [broker.bootstrap], clientId: 'dg-test', timeoutMs: 5_000 });
  });
  after(async () => {
    await client.close();
    await broker.dispose();
  });

  it('decodes null user data, and shows a member with a garbage assignment with none', async () => {
    const java = await WireMember.connect(broker.port, 'dg-java', ['dg']);
    const junk = await WireMember.connect(broker.port, 'dg-junk', ['dg']);
    try {
      await java.join();
      await java.sync([{ memberId: java.memberId, assignment: encodeAssignment({ dg: [1, 0] }) }]);
      await junk.join();
      await junk.sync([
        { memberId: junk.memberId, assignment: Buffer.from([0, 0, 0xff, 0xff, 0xff, 0xff, 1]) },
      ]);
      const groups = await describeGroups(client, ['dg-java', 'dg-junk', 'dg-none']);
      const j = groups.get('dg-java');
      assert.equal(j?.state, 'Stable');
      assert.equal(j?.protocol, 'range');
      assert.deepEqual(j?.members[0].assignment, [{ topic: 'dg', partitions: [0, 1] }]);
      assert.deepEqual(j?.members[0].subscribedTopics, ['dg']);
      const g = groups.get('dg-junk');
      assert.equal(g?.state, 'Stable');
      assert.equal(g?.members.length, 1);
      assert.equal(g?.members[0].assignment, undefined);
      assert.equal(groups.get('dg-none')?.state, 'Dead');
    } finally {
      java.close();
      junk.close();
    }
  });

  it('a broker answering garbage rejects the request instead of throwing from a socket callback', async () => {
    // Answers ApiVersions properly-sized but undecodable, then a frame with an impossible size.
    const servers: Server[] = [];
    const serve = (reply: (correlation: Buffer) => Buffer) =>
      new Promise<number>((resolve) => {
        const server = createServer((socket) => {
          socket.on('error', () => {});
          socket.on('data', (d) => socket.write(reply(d.subarray(8, 12))));
        });
        servers.push(server);
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
      });
    try {
      const truncated = await serve((id) =>
        Buffer.concat([Buffer.from([0, 0, 0, 7]), id, Buffer.from([0, 0, 9])]),
      );
      const oversized = await serve(() => Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
      for (const port of [truncated, oversized]) {
        const bad = new ClusterClient({
          bootstrap: [`127.0.0.1:${port}`],
          clientId: 'dg-bad',
          timeoutMs: 2_000,
        });
        await assert.rejects(describeGroups(bad, ['g']), /ApiVersions|bad response stream/);
        await bad.close();
      }
    } finally {
      for (const s of servers) s.close();
    }
  });
});
