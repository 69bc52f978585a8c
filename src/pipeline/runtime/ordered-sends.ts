// The sends of one partition's batches, several in flight, acknowledged in order. A batch counts as
// done (its offset may be committed) only once it and every batch before it are acknowledged.
//
// Per-key order: sends issued one after another reach the broker in that order, so while every
// send succeeds at its first attempt, outputs keep the order of their inputs. Once an attempt fails
// (the cluster failed for a while), that batch is written later than the batches issued after it:
// those are sent once more behind it, in order, and no new batch is issued until they are. The
// newest output of each key is then again the newest input's (as Kafka Streams leaves it when it
// reprocesses at-least-once), at the cost of duplicates.

export type SendOutcome = 'acked' | 'redone' | 'stopped';

export interface OrderedSendsOptions<T> {
  /** Batches sent and not yet acknowledged in order, at most. */
  readonly depth: number;
  /**
   * Sends until written (true) or stopped first (false); calls `failed` at once when an attempt
   * fails, before trying again.
   */
  send(batch: T, failed: () => void): Promise<boolean>;
  /** Called once per batch, in order: `acked` when it and all before it were written. */
  settled(batch: T, acked: boolean): void;
}

interface Entry<T> {
  readonly index: number;
  readonly batch: T;
  /** Written before an earlier batch's last attempt: to be sent again behind it. */
  resend: boolean;
  /** An attempt failed: later batches wait until this one is settled. */
  failed: boolean;
  completion?: Promise<boolean>;
}

export class OrderedSends<T> {
  readonly #options: OrderedSendsOptions<T>;
  #issued = 0;
  /** The last issued batch's completion: true when it and everything before it were acknowledged. */
  #tail: Promise<boolean> = Promise.resolve(true);
  /** Issued and not yet settled, in order. */
  readonly #window: Entry<T>[] = [];
  /** A batch was not written: nothing after it may be committed, nothing more is sent. */
  #broken = false;

  constructor(options: OrderedSendsOptions<T>) {
    if (!(options.depth >= 1)) throw new RangeError('depth must be at least 1');
    this.#options = options;
  }

  /** Batches issued and not yet settled. */
  get inFlight(): number {
    return this.#window.length;
  }

  /**
   * Sends `batch` once there is room and no earlier batch is being put back in order. Resolves to
   * false, without sending, once an earlier batch was not written (stopped).
   */
  async push(batch: T): Promise<boolean> {
    for (;;) {
      if (this.#broken) return false;
      const disordered = this.#window.some((e) => e.failed || e.resend);
      if (!disordered && this.#window.length < this.#options.depth) break;
      await (disordered ? this.#tail : this.#window[0].completion);
    }
    const entry: Entry<T> = { index: this.#issued++, batch, resend: false, failed: false };
    const first = this.#send(entry);
    const previous = this.#tail;
    const completion = this.#complete(entry, first, previous);
    entry.completion = completion;
    this.#tail = completion;
    this.#window.push(entry);
    return true;
  }

  /** Resolves when every issued batch has settled: true when all were acknowledged. */
  flush(): Promise<boolean> {
    return this.#tail;
  }

  #send(entry: Entry<T>): Promise<boolean> {
    const failed = () => {
      entry.failed = true;
      // Everything issued so far goes out before this batch's next attempt.
      for (const later of this.#window) if (later.index > entry.index) later.resend = true;
    };
    return this.#options.send(entry.batch, failed).catch(() => false);
  }

  async #complete(entry: Entry<T>, first: Promise<boolean>, previous: Promise<boolean>) {
    let written = await first;
    const before = await previous;
    while (before && written && entry.resend) {
      entry.resend = false;
      written = await this.#send(entry);
    }
    const acked = before && written;
    if (!acked) this.#broken = true;
    this.#window.splice(this.#window.indexOf(entry), 1);
    this.#options.settled(entry.batch, acked);
    return acked;
  }
}
