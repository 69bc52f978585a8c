import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogManager, type StorageError } from '../../../src/storage/index.js';
import { headersOf, produceSet, simpleBatch, tempDir, testConfig } from './make-batch.js';

const { dir: root, cleanup } = tempDir('manager');
after(cleanup);
let n = 0;
const fresh = () => join(root, `data-${n++}`);
const defaults = testConfig();
const code = (c: string) => (e: StorageError) => e.reason === c;

function put(manager: LogManager, topic: string, partition: number, count = 1): void {
  const log = manager.partition(topic, partition);
  assert.ok(log);
  for (let i = 0; i < count; i++) {
    const { records, headers } = produceSet(simpleBatch(2, 1, 100));
    log.append(records, headers);
  }
}

describe('LogManager', () => {
  it('persists topics, ids, configs and data across reopen', async () => {
    const dataDir = fresh();
    const manager = await LogManager.open(dataDir, defaults);
    const orders = await manager.createTopic('orders', 3, {
      'retention.ms': '60000',
      'cleanup.policy': 'delete,compact',
    });
    await manager.createTopic('__consumer_offsets', 1, { 'cleanup.policy': 'compact' });
    assert.match(orders.id, /^[A-Za-z0-9_-]{22}$/);
    assert.ok(!orders.id.startsWith('-'));
    assert.equal(orders.config.retentionMs, 60000);
    assert.equal(orders.configs['cleanup.policy'], 'compact,delete');
    assert.equal(orders.maxMessageBytes, 1024 * 1024 + 12);
    assert.equal(manager.topicById(orders.id)?.name, 'orders');
    assert.ok(existsSync(join(dataDir, 'orders-0')) && existsSync(join(dataDir, 'orders-2')));
    put(manager, 'orders', 1, 3);
    await manager.close();

    const again = await LogManager.open(dataDir, defaults);
    const reopened = again.topic('orders');
    assert.deepEqual(reopened, orders);
    assert.deepEqual(
      again
        .topics()
        .map((t) => t.name)
        .sort(),
      ['__consumer_offsets', 'orders'],
    );
    assert.equal(again.partition('orders', 1)?.logEndOffset, 6);
    assert.equal(again.partition('orders', 3), undefined);
    assert.equal(again.partition('nope', 0), undefined);
    await again.close();
  });

  it('rejects bad topic names, duplicates, collisions and partition counts', async () => {
    const manager = await LogManager.open(fresh(), defaults);
    for (const name of ['', '.', '..', 'a/b', 'with space', 'ü', 'x'.repeat(250)]) {
      await assert.rejects(manager.createTopic(name, 1), code('INVALID_TOPIC'), JSON.stringify(name));
    }
    await manager.createTopic('x'.repeat(249), 1);
    await manager.createTopic('a.b', 1);
    await assert.rejects(manager.createTopic('a.b', 1), code('TOPIC_EXISTS'));
    await assert.rejects(manager.createTopic('a_b', 1), code('INVALID_TOPIC'));
    await assert.rejects(manager.createTopic('t', 0), code('INVALID_PARTITIONS'));
    await assert.rejects(manager.createTopic('t', 1.5), code('INVALID_PARTITIONS'));
    await assert.rejects(manager.deleteTopic('missing'), code('UNKNOWN_TOPIC'));
    await manager.close();
    await assert.rejects(manager.createTopic('late', 1), code('CLOSED'));
  });

  it('rejects bad configs with INVALID_CONFIG and a reason', async () => {
    const manager = await LogManager.open(fresh(), defaults);
    const bad: Record<string, string>[] = [
      { 'retention.ms': 'abc' },
      { 'retention.ms': '-2' },
      { 'segment.bytes': '10' },
      { 'segment.bytes': '3000000000' },
      { 'cleanup.policy': 'sometimes' },
      { 'min.cleanable.dirty.ratio': '2' },
      { 'no.such.config': '1' },
      { 'message.timestamp.type': 'WallTime' },
    ];
    for (const configs of bad) {
      await assert.rejects(manager.createTopic('t', 1, configs), (e: StorageError) => {
        assert.equal(e.code, 'INVALID_CONFIG');
        assert.ok(e.message.includes(Object.keys(configs)[0]), e.message);
        return true;
      });
    }
    assert.equal(manager.topic('t'), undefined, 'nothing created');
    assert.ok(!existsSync(join(manager.dataDir, 't-0')));
    await manager.close();
  });

  it('deletes topics with their directories; a recreated topic gets a new id and no data', async () => {
    const dataDir = fresh();
    const manager = await LogManager.open(dataDir, defaults);
    const first = await manager.createTopic('gone', 2);
    put(manager, 'gone', 0, 2);
    await manager.deleteTopic('gone');
    assert.equal(manager.topic('gone'), undefined);
    assert.equal(manager.topicById(first.id), undefined);
    assert.deepEqual(
      readdirSync(dataDir).filter((f) => f.startsWith('gone')),
      [],
    );
    const second = await manager.createTopic('gone', 1);
    assert.notEqual(second.id, first.id);
    assert.equal(manager.partition('gone', 0)?.logEndOffset, 0);
    await manager.close();
    const again = await LogManager.open(dataDir, defaults);
    assert.equal(again.topic('gone')?.id, second.id);
    await again.close();
  });

  it('adds partitions and changes configs durably', async () => {
    const dataDir = fresh();
    const manager = await LogManager.open(dataDir, defaults);
    await manager.createTopic('grow', 1);
    put(manager, 'grow', 0);
    const grown = await manager.addPartitions('grow', 4);
    assert.equal(grown.partitions, 4);
    assert.ok(manager.partition('grow', 3));
    assert.equal(manager.partition('grow', 0)?.logEndOffset, 2);
    await assert.rejects(manager.addPartitions('grow', 4), code('INVALID_PARTITIONS'));
    await assert.rejects(manager.addPartitions('grow', 2), code('INVALID_PARTITIONS'));

    const changed = await manager.setTopicConfigs('grow', {
      'segment.bytes': '5000',
      'flush.ms': '9223372036854775807',
    });
    assert.equal(changed.config.segmentBytes, 5000);
    assert.equal(changed.config.flushIntervalMs, undefined);
    assert.equal(manager.partition('grow', 2)?.config.segmentBytes, 5000);
    await assert.rejects(manager.setTopicConfigs('grow', { 'segment.ms': '0' }), code('INVALID_CONFIG'));
    await manager.close();

    const again = await LogManager.open(dataDir, defaults);
    assert.equal(again.topic('grow')?.partitions, 4);
    assert.equal(again.partition('grow', 3)?.config.segmentBytes, 5000);
    assert.deepEqual(again.topic('grow')?.configs, {
      'segment.bytes': '5000',
      'flush.ms': '9223372036854775807',
    });
    await again.close();
  });

  it('finishes interrupted deletions and ignores unrelated directories on open', async () => {
    const dataDir = fresh();
    const manager = await LogManager.open(dataDir, defaults);
    await manager.close();
    mkdirSync(join(dataDir, 'old-0-123-delete'));
    mkdirSync(join(dataDir, 'orphan-0'));
    writeFileSync(join(dataDir, 'orphan-0', 'checkpoint.json'), '{}');
    mkdirSync(join(dataDir, 'someone-elses-0'));
    const again = await LogManager.open(dataDir, defaults);
    assert.ok(!existsSync(join(dataDir, 'old-0-123-delete')));
    assert.ok(!existsSync(join(dataDir, 'orphan-0')));
    assert.ok(existsSync(join(dataDir, 'someone-elses-0')));
    await again.close();
  });

  it('sweeps retention on a timer', async () => {
    const manager = await LogManager.open(fresh(), testConfig({ segmentBytes: 1000 }));
    await manager.createTopic('swept', 1, { 'retention.bytes': '1000', 'segment.bytes': '1000' });
    put(manager, 'swept', 0, 30);
    const log = manager.partition('swept', 0);
    assert.ok(log);
    const before = log.size;
    manager.startRetention(5);
    for (let i = 0; i < 100 && log.size === before; i++) await sleep(5);
    await manager.stopRetention();
    assert.ok(log.size < before && log.size >= 1000, `size ${log.size}`);
    const read = await log.read(log.logStartOffset, 100_000);
    assert.equal(headersOf(read.records)[0].baseOffset, log.logStartOffset);
    await manager.close();
  });
});
