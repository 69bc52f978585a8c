// Transactions are not served yet. A transactional producer used to retry FindCoordinator's
// retriable COORDINATOR_NOT_AVAILABLE for minutes; now it fails at once and says why.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, FindCoordinator, InitProducerId } from '../../src/protocol/index.js';
import { SYSTEM_PYTHON } from '../compat/peers/python.js';
import { peerMissing, repoRoot, runProcess } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';

const MESSAGE = 'Sluice does not support transactions yet';
const TRANSACTION = 1;

describe('transactional clients fail at once', { concurrency: 1 }, () => {
  let broker: TestBroker;
  let client: WireClient;
  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: true });
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  it('FindCoordinator for a transactional id answers a non-retriable error with the reason', async () => {
    // v1-v3 (librdkafka): the one error librdkafka treats as fatal there.
    const v3 = await client.request(FindCoordinator, 3, { key: 'tx', keyType: TRANSACTION });
    assert.equal(v3.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal(v3.errorMessage, MESSAGE);
    // v4+ (Java): an error Java does not special-case, so it shows the message.
    const v4 = await client.request(FindCoordinator, 4, { keyType: TRANSACTION, coordinatorKeys: ['tx'] });
    assert.equal(v4.coordinators[0].errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal(v4.coordinators[0].errorMessage, MESSAGE);
    // Groups are still found.
    const group = await client.request(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g'] });
    assert.equal(group.coordinators[0].errorCode, ErrorCode.NONE);
    const init = await client.request(InitProducerId, 4, {
      transactionalId: 'tx',
      transactionTimeoutMs: 60_000,
      producerId: -1,
      producerEpoch: -1,
    });
    assert.equal(init.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  });

  it('confluent-kafka init_transactions fails at once with the message', async (t) => {
    const missing = await peerMissing('confluent-kafka');
    if (missing) return t.skip(missing);
    const script = join(repoRoot(), 'test', 'compat', 'python', 'confluent_init_transactions.py');
    // A 60 s budget the client would use up retrying a retriable answer.
    const r = await runProcess(SYSTEM_PYTHON, [script, broker.bootstrap, 'tx-librdkafka', '60'], {
      timeoutMs: 90_000,
    });
    const result = JSON.parse(r.stdout.toString());
    assert.equal(result.ok, false);
    assert.equal(result.fatal, true, result.error);
    assert.match(result.error, new RegExp(MESSAGE));
    // Fatal with the broker's message, not the timeout of a client that kept retrying its budget.
    assert.doesNotMatch(result.error, /timed out/i, `failed after ${result.seconds} s`);
  });

  it("Java's transactional producer (kafka-producer-perf-test --transactional-id) fails at once with the message", async (t) => {
    const missing = await peerMissing('kafka-tools');
    if (missing) return t.skip(missing);
    const script = join(repoRoot(), 'scripts', 'peers', 'kafka-tool.sh');
    // max.block.ms bounds how long initTransactions may retry: well below the test's timeout.
    const r = await runProcess(
      'bash',
      [
        script,
        'producer-perf-test',
        '--topic',
        'tx-java',
        '--num-records',
        '1',
        '--record-size',
        '10',
        '--throughput',
        '-1',
        '--transactional-id',
        'tx-java',
        '--command-property',
        `bootstrap.servers=${broker.bootstrap}`,
        'max.block.ms=60000',
      ],
      { timeoutMs: 120_000 },
    );
    assert.notEqual(r.code, 0);
    assert.equal(r.timedOut, false);
    assert.match(
      r.stderr,
      new RegExp(`Could not find a coordinator with type TRANSACTION with key tx-java.*${MESSAGE}`),
    );
    assert.doesNotMatch(r.stderr, /Timeout expired/);
  });
});
