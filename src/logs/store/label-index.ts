import { labelsKey, type Matcher, selectorMatches } from '../logql/index.js';
import type { ChunkSummary } from './chunk.js';

/** A range of one partition that may hold entries a query wants. */
export interface ReadRange {
  partition: number;
  from: number;
  to: number;
}

export interface IndexStats {
  streams: number;
  chunks: number;
  entries: number;
  bytes: number;
}

/**
 * The label index: chunk summaries of the logs topic, closed ones (read back from the index topic
 * at start) and the ones still being built. Selection by labels and time happens here; what is
 * inside a chunk is found by reading it.
 */
export class LabelIndex {
  private readonly closed = new Map<number, ChunkSummary[]>();

  constructor(private readonly openChunks: () => ChunkSummary[]) {}

  add(summary: ChunkSummary): void {
    const list = this.closed.get(summary.partition) ?? [];
    list.push(summary);
    this.closed.set(summary.partition, list);
  }

  /** Where indexing of a partition should resume: after the last chunk indexed. */
  nextOffsets(): Map<number, bigint> {
    const next = new Map<number, bigint>();
    for (const [p, list] of this.closed) next.set(p, BigInt(Math.max(...list.map((c) => c.to)) + 1));
    return next;
  }

  /** Forgets chunks that retention removed from the logs topic. */
  prune(partition: number, logStartOffset: number): void {
    const list = this.closed.get(partition);
    if (list)
      this.closed.set(
        partition,
        list.filter((c) => c.to >= logStartOffset),
      );
  }

  private *chunks(startNs: bigint, endNs: bigint): Generator<ChunkSummary> {
    for (const list of this.closed.values()) {
      for (const c of list) if (overlaps(c, startNs, endNs)) yield c;
    }
    for (const c of this.openChunks()) if (overlaps(c, startNs, endNs)) yield c;
  }

  /**
   * The partition ranges whose chunks hold a stream matching every matcher, in offset order.
   * Adjacent chunks become one range: a reader then streams through them, instead of seeking back
   * to each chunk's start and fetching again the records it had already read past the last one's end.
   */
  ranges(matchers: readonly Matcher[], startNs: bigint, endNs: bigint): ReadRange[] {
    const ranges: ReadRange[] = [];
    for (const c of this.chunks(startNs, endNs)) {
      if (c.streams.some((s) => selectorMatches(matchers, s.labels)))
        ranges.push({ partition: c.partition, from: c.from, to: c.to });
    }
    ranges.sort((a, b) => a.partition - b.partition || a.from - b.from);
    const merged: ReadRange[] = [];
    for (const r of ranges) {
      const last = merged.at(-1);
      if (last && last.partition === r.partition && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
      else merged.push({ ...r });
    }
    return merged;
  }

  /** Distinct streams (label sets) matching any of the selectors (all streams when none). */
  series(
    selectors: readonly (readonly Matcher[])[],
    startNs: bigint,
    endNs: bigint,
  ): Record<string, string>[] {
    const found = new Map<string, Record<string, string>>();
    for (const c of this.chunks(startNs, endNs)) {
      for (const s of c.streams) {
        if (selectors.length === 0 || selectors.some((m) => selectorMatches(m, s.labels)))
          found.set(labelsKey(s.labels), s.labels);
      }
    }
    return [...found.values()];
  }

  labelNames(startNs: bigint, endNs: bigint, selectors: readonly (readonly Matcher[])[] = []): string[] {
    const names = new Set<string>();
    for (const labels of this.series(selectors, startNs, endNs))
      for (const k of Object.keys(labels)) names.add(k);
    return [...names].sort();
  }

  labelValues(
    name: string,
    startNs: bigint,
    endNs: bigint,
    selectors: readonly (readonly Matcher[])[] = [],
  ): string[] {
    const values = new Set<string>();
    for (const labels of this.series(selectors, startNs, endNs)) {
      const v = labels[name];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  /** Loki's /index/stats: what a selector would touch, from the index alone. */
  stats(matchers: readonly Matcher[], startNs: bigint, endNs: bigint): IndexStats {
    const streams = new Set<string>();
    const stats: IndexStats = { streams: 0, chunks: 0, entries: 0, bytes: 0 };
    for (const c of this.chunks(startNs, endNs)) {
      let hit = false;
      for (const s of c.streams) {
        if (!selectorMatches(matchers, s.labels)) continue;
        hit = true;
        streams.add(labelsKey(s.labels));
        stats.entries += s.entries;
        stats.bytes += s.bytes;
      }
      if (hit) stats.chunks++;
    }
    stats.streams = streams.size;
    return stats;
  }
}

function overlaps(c: ChunkSummary, startNs: bigint, endNs: bigint): boolean {
  return BigInt(c.maxTs) >= startNs && BigInt(c.minTs) <= endNs;
}
