// The few Loki HTTP API calls the logs benchmark makes, timed.

import { sleep } from '../processes.js';

export interface IndexStats {
  streams: number;
  chunks: number;
  entries: number;
  bytes: number;
}

export interface Window {
  startNs: bigint;
  endNs: bigint;
}

export async function indexStats(httpUrl: string, query: string, w: Window): Promise<IndexStats> {
  const params = new URLSearchParams({ query, start: String(w.startNs), end: String(w.endNs) });
  const res = await fetch(`${httpUrl}/loki/api/v1/index/stats?${params}`);
  if (!res.ok) throw new Error(`index/stats answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as IndexStats;
}

/**
 * Polls /index/stats until it counts `entries` lines (or more); resolves to when that was seen,
 * in performance.now() milliseconds. Throws when the count stops growing for `stallMs`.
 */
export async function waitIndexed(
  httpUrl: string,
  w: Window,
  entries: number,
  stallMs = 120_000,
  onProgress?: (seen: number) => void,
): Promise<number> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const { entries: seen } = await indexStats(httpUrl, '{service=~".+"}', w);
    const now = performance.now();
    if (seen >= entries) return now;
    if (seen !== last) {
      last = seen;
      lastChange = now;
      onProgress?.(seen);
    } else if (now - lastChange > stallMs) {
      throw new Error(`indexing stalled at ${seen} of ${entries} lines`);
    }
    await sleep(100);
  }
}

export interface Timed<T> {
  ms: number;
  body: T;
}

interface QueryBody {
  status: string;
  data: { resultType: string; result: unknown[] };
}

export async function queryRange(
  httpUrl: string,
  params: Record<string, string>,
  w: Window,
): Promise<Timed<QueryBody>> {
  const search = new URLSearchParams({ ...params, start: String(w.startNs), end: String(w.endNs) });
  const began = performance.now();
  const res = await fetch(`${httpUrl}/loki/api/v1/query_range?${search}`);
  const text = await res.text();
  const ms = performance.now() - began;
  if (!res.ok) throw new Error(`query_range ${params.query} answered ${res.status}: ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) as QueryBody };
}
