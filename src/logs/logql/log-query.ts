import type { LogExpr } from './ast.js';
import type { QueryContext } from './limits.js';
import { selectorMatches } from './matchers.js';
import { compilePipeline, labelsKey, type ProcessedEntry } from './pipeline.js';
import type { StatsCounter, StreamsData } from './results.js';
import type { Direction, LogSource } from './source.js';

interface Kept extends ProcessedEntry {
  ts: bigint;
  seq: number;
  size: number;
}

/**
 * The `limit` best entries seen so far, worst at the root: for `backward` the newest are best,
 * for `forward` the oldest. Memory stays at `limit` whatever the source returns.
 */
class BoundedHeap {
  readonly items: Kept[] = [];
  /** Bytes of the lines kept. */
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly backward: boolean,
  ) {}

  /** Is `a` worse than `b` (further from the end the direction reads from)? */
  private worse(a: Kept, b: Kept): boolean {
    if (a.ts !== b.ts) return this.backward ? a.ts < b.ts : a.ts > b.ts;
    return a.seq > b.seq;
  }

  get full(): boolean {
    return this.items.length >= this.limit;
  }

  offer(k: Kept): void {
    const h = this.items;
    if (this.limit <= 0) return;
    if (h.length < this.limit) {
      h.push(k);
      this.bytes += k.size;
      for (let i = h.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!this.worse(h[i], h[p])) break;
        [h[i], h[p]] = [h[p], h[i]];
        i = p;
      }
      return;
    }
    if (this.worse(k, h[0])) return;
    this.bytes += k.size - h[0].size;
    h[0] = k;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < h.length && this.worse(h[l], h[w])) w = l;
      if (r < h.length && this.worse(h[r], h[w])) w = r;
      if (w === i) break;
      [h[i], h[w]] = [h[w], h[i]];
      i = w;
    }
  }
}

export interface LogQueryParams {
  startNs: bigint;
  endNs: bigint;
  limit: number;
  direction: Direction;
}

/** A log query: entries in [start, end) through the pipeline, `limit` of them, grouped into streams. */
export async function evalLogQuery(
  expr: LogExpr,
  p: LogQueryParams,
  source: LogSource,
  stats: StatsCounter,
  ctx: QueryContext,
): Promise<Omit<StreamsData, 'stats'>> {
  ctx.checkEntriesLimit(p.limit);
  const pipeline = compilePipeline(expr.pipeline);
  const backward = p.direction === 'backward';
  const heap = new BoundedHeap(p.limit, backward);
  let seq = 0;
  const req = {
    matchers: expr.matchers,
    startNs: p.startNs,
    endNs: p.endNs,
    direction: p.direction,
    signal: ctx.signal,
  };
  for await (const entry of source.select(req)) {
    const size = Buffer.byteLength(entry.line);
    const paused = ctx.read(size);
    if (paused) await paused;
    if (entry.timestampNs < p.startNs || entry.timestampNs >= p.endNs) continue;
    if (!selectorMatches(expr.matchers, entry.labels)) continue;
    stats.lines++;
    stats.bytes += size;
    const out = pipeline(entry);
    if (!out) continue;
    stats.postFilterLines++;
    heap.offer({ ...out, ts: entry.timestampNs, seq: seq++, size });
    ctx.checkHeld(heap.bytes);
    if (source.ordered && heap.full) break;
  }
  const kept = heap.items.sort((a, b) => {
    if (a.ts !== b.ts) return (a.ts < b.ts ? -1 : 1) * (backward ? -1 : 1);
    return a.seq - b.seq;
  });
  const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
  for (const k of kept) {
    const key = labelsKey(k.labels);
    let s = streams.get(key);
    if (!s) {
      s = { stream: k.labels, values: [] };
      streams.set(key, s);
    }
    s.values.push([String(k.ts), k.line]);
  }
  const result = [...streams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  return { resultType: 'streams', result };
}
