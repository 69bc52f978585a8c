import {
  checkSequence,
  type IncomingBatch,
  type ProducerEntry,
  recordBatch,
  type SequenceVerdict,
} from './sequence-check.js';

/** Idempotent-producer state of every partition, keyed by partition then producer id. */
export class ProducerStates {
  private readonly partitions = new Map<string, Map<number, ProducerEntry>>();

  private entries(partitionKey: string): Map<number, ProducerEntry> {
    let map = this.partitions.get(partitionKey);
    if (!map) {
      map = new Map();
      this.partitions.set(partitionKey, map);
    }
    return map;
  }

  check(partitionKey: string, batch: IncomingBatch): SequenceVerdict {
    return checkSequence(this.partitions.get(partitionKey)?.get(batch.producerId), batch);
  }

  record(partitionKey: string, batch: IncomingBatch, baseOffset: number): void {
    const map = this.entries(partitionKey);
    map.set(batch.producerId, recordBatch(map.get(batch.producerId), batch, baseOffset));
  }

  /** Drops a partition's state, when its topic is deleted. */
  forget(partitionKey: string): void {
    this.partitions.delete(partitionKey);
  }
}
