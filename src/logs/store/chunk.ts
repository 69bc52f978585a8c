import { labelsKey } from '../logql/index.js';

/**
 * What the label index knows of a run of consecutive records in one partition of the logs topic:
 * their offsets, time span and which streams (label sets) they hold. A query reads only the
 * chunks whose streams match its selector and whose time span overlaps its range.
 */
export interface ChunkSummary {
  partition: number;
  /** First and last offset covered (inclusive). */
  from: number;
  to: number;
  /** Entry timestamps in ns, as decimal strings (JSON has no bigint). */
  minTs: string;
  maxTs: string;
  streams: { labels: Record<string, string>; entries: number; bytes: number }[];
}

/** Accumulates one partition's records into the chunk being built. */
export class ChunkBuilder {
  private from = -1;
  private to = -1;
  private minTs = 0n;
  private maxTs = 0n;
  private readonly streams = new Map<
    string,
    { labels: Record<string, string>; entries: number; bytes: number }
  >();
  readonly startedAt = Date.now();

  constructor(readonly partition: number) {}

  get entries(): number {
    return this.from < 0 ? 0 : this.to - this.from + 1;
  }

  add(offset: number, timestampNs: bigint, labels: Record<string, string>, bytes: number): void {
    if (this.from < 0) {
      this.from = offset;
      this.minTs = timestampNs;
      this.maxTs = timestampNs;
    }
    this.to = offset;
    if (timestampNs < this.minTs) this.minTs = timestampNs;
    if (timestampNs > this.maxTs) this.maxTs = timestampNs;
    const key = labelsKey(labels);
    const stream = this.streams.get(key);
    if (stream) {
      stream.entries++;
      stream.bytes += bytes;
    } else {
      this.streams.set(key, { labels, entries: 1, bytes });
    }
  }

  summary(): ChunkSummary | undefined {
    if (this.from < 0) return undefined;
    return {
      partition: this.partition,
      from: this.from,
      to: this.to,
      minTs: String(this.minTs),
      maxTs: String(this.maxTs),
      streams: [...this.streams.values()],
    };
  }
}

export function parseChunkSummary(value: Buffer): ChunkSummary | undefined {
  try {
    const s = JSON.parse(value.toString('utf8')) as ChunkSummary;
    const ok =
      Number.isInteger(s.partition) &&
      Number.isInteger(s.from) &&
      Number.isInteger(s.to) &&
      typeof s.minTs === 'string' &&
      typeof s.maxTs === 'string' &&
      Array.isArray(s.streams);
    return ok ? s : undefined;
  } catch {
    return undefined;
  }
}
