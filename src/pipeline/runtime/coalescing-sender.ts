// Sends of many partitions' batches gathered into few produce requests. The idempotent producer
// has one request in flight per connection: sent one by one, small batches queue behind each
// other and each waits a whole round trip (fsync included). Here, while one request is in flight,
// the batches that come are gathered and go together in the next one, as Kafka's own producer
// gathers records while it lingers. Requests leave in the order the batches came, so per-partition
// order holds; a failure fails every batch of that request (each caller tries again).

import type { RecordToProduce } from '../../client/index.js';

interface Waiting {
  readonly records: readonly RecordToProduce[];
  readonly bytes: number;
  readonly done: PromiseWithResolvers<void>;
}

/**
 * Records per request, at most (about): a topic's max.message.bytes (1 MiB by default) bounds a
 * partition's batch, and all of a request's records may be for one partition.
 */
export const GATHER_MAX_BYTES = 512 * 1024;

function sizeOf(records: readonly RecordToProduce[]): number {
  let bytes = 0;
  for (const r of records) {
    bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0) + 16;
    for (const [name, value] of r.headers ?? []) bytes += name.length + value.length;
  }
  return bytes;
}

export class CoalescingSender {
  readonly #send: (records: RecordToProduce[]) => Promise<unknown>;
  readonly #maxBytes: number;
  readonly #queue: Waiting[] = [];
  #sending = false;

  constructor(send: (records: RecordToProduce[]) => Promise<unknown>, maxBytes = GATHER_MAX_BYTES) {
    this.#send = send;
    this.#maxBytes = maxBytes;
  }

  /** Resolves once the request that carried `records` was acknowledged; rejects with its error. */
  send(records: readonly RecordToProduce[]): Promise<void> {
    const done = Promise.withResolvers<void>();
    this.#queue.push({ records, bytes: sizeOf(records), done });
    if (!this.#sending) void this.#pump();
    return done.promise;
  }

  async #pump(): Promise<void> {
    this.#sending = true;
    while (this.#queue.length > 0) {
      // At least one batch, however large; more while they fit.
      let bytes = this.#queue[0].bytes;
      let count = 1;
      while (count < this.#queue.length && bytes + this.#queue[count].bytes <= this.#maxBytes) {
        bytes += this.#queue[count].bytes;
        count++;
      }
      const group = this.#queue.splice(0, count);
      try {
        await this.#send(group.flatMap((w) => w.records));
        for (const w of group) w.done.resolve();
      } catch (error) {
        for (const w of group) w.done.reject(error);
      }
    }
    this.#sending = false;
  }
}
