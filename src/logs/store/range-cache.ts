// Recently read ranges of the logs topic, decoded, as Loki keeps a chunk cache: dashboards and
// alert queries ask for the same recent ranges again and again, and each read is a Fetch that the
// broker serves. A range is a fixed span of offsets (partition, from, to) and a log never changes
// what it holds at an offset, so an entry stays true until retention removes the lines; the index
// then stops naming the range and the cached entry ages out.

import type { LogEntry } from '../model.js';
import type { ReadRange } from './label-index.js';

/** Rough heap cost of an entry beyond its strings: the object, its labels, the bigint. */
const ENTRY_OVERHEAD = 160;

export class RangeCache {
  readonly #budget: number;
  /** Insertion order is recency order: a hit moves the range to the end. */
  readonly #ranges = new Map<string, { entries: LogEntry[]; bytes: number }>();
  #bytes = 0;

  /** `budgetBytes` 0 turns the cache off. */
  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The largest range worth keeping: a reader stops collecting one once it is past this. */
  get maxRangeBytes(): number {
    return this.#budget / 4;
  }

  get(range: ReadRange): LogEntry[] | undefined {
    const key = keyOf(range);
    const hit = this.#ranges.get(key);
    if (!hit) return undefined;
    this.#ranges.delete(key);
    this.#ranges.set(key, hit);
    return hit.entries;
  }

  /** Keeps a range read whole; one larger than a quarter of the budget is not worth evicting for. */
  set(range: ReadRange, entries: LogEntry[]): void {
    const bytes = entries.reduce((n, e) => n + entrySize(e), 0);
    if (bytes > this.maxRangeBytes) return;
    const key = keyOf(range);
    const old = this.#ranges.get(key);
    if (old) {
      this.#bytes -= old.bytes;
      this.#ranges.delete(key);
    }
    this.#ranges.set(key, { entries, bytes });
    this.#bytes += bytes;
    for (const [oldest, value] of this.#ranges) {
      if (this.#bytes <= this.#budget) break;
      this.#ranges.delete(oldest);
      this.#bytes -= value.bytes;
    }
  }
}

function keyOf(range: ReadRange): string {
  return `${range.partition}:${range.from}:${range.to}`;
}

/** Rough heap cost of one decoded entry. */
export function entrySize(entry: LogEntry): number {
  let n = ENTRY_OVERHEAD + entry.line.length * 2;
  for (const k in entry.labels) n += (k.length + entry.labels[k].length) * 2 + 16;
  if (entry.metadata) for (const k in entry.metadata) n += (k.length + entry.metadata[k].length) * 2 + 16;
  return n;
}
