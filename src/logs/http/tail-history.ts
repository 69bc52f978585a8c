// The history a live tail sends first. Tails opened together with the same query (a dashboard
// reloaded by many viewers, or a flood of tails) share one history query instead of running it
// once each; a tail that joins a query already running reads only the short stretch between that
// query's end and its own start itself, so it sees exactly what it would have seen alone.

import {
  type LogExpr,
  LogQLTimeoutError,
  type QueryContext,
  queryRange,
  type StreamsData,
} from '../logql/index.js';
import type { LogStore } from '../store/index.js';
import type { TailEntry } from './tail-hub.js';

export interface HistoryRequest {
  expr: LogExpr;
  startNs: bigint;
  endNs: bigint;
  limit: number;
}

interface Running {
  endNs: bigint;
  result: Promise<TailEntry[]>;
  aborter: AbortController;
  users: number;
}

/** Entries of a history, oldest first; an empty list when it took longer than its deadline. */
export class TailHistories {
  readonly #running = new Map<string, Running>();

  constructor(
    private readonly store: LogStore,
    /** A fresh query context (deadline, limits) bound to the given signal. */
    private readonly context: (signal: AbortSignal) => QueryContext,
  ) {}

  /** `signal`: the tail closed; a shared query stops only when every tail sharing it has. */
  async read(key: string, req: HistoryRequest, signal: AbortSignal): Promise<TailEntry[]> {
    let running = this.#running.get(key);
    const joined = running !== undefined && running.endNs <= req.endNs;
    if (!running || !joined) {
      running = this.#start(key, req);
    }
    const shared = running;
    shared.users++;
    const leave = () => {
      if (--shared.users === 0) shared.aborter.abort();
    };
    signal.addEventListener('abort', leave, { once: true });
    try {
      const [older, gap] = await Promise.all([
        shared.result,
        // What arrived between the shared query's end and this tail's start.
        joined && shared.endNs < req.endNs
          ? this.#query({ ...req, startNs: maxOf(req.startNs, shared.endNs) }, signal)
          : Promise.resolve([]),
      ]);
      return newest([...older.filter((e) => e.timestampNs >= req.startNs), ...gap], req.limit);
    } finally {
      signal.removeEventListener('abort', leave);
      if (!signal.aborted) leave();
    }
  }

  #start(key: string, req: HistoryRequest): Running {
    const aborter = new AbortController();
    const running: Running = { endNs: req.endNs, aborter, users: 0, result: Promise.resolve([]) };
    running.result = this.#query(req, aborter.signal).finally(() => {
      if (this.#running.get(key) === running) this.#running.delete(key);
    });
    // Rejections reach every tail through `read`; this keeps an unshared one from going unhandled.
    running.result.catch(() => {});
    this.#running.set(key, running);
    return running;
  }

  async #query(req: HistoryRequest, signal: AbortSignal): Promise<TailEntry[]> {
    let history: StreamsData;
    try {
      history = (await queryRange(
        {
          query: req.expr,
          startNs: req.startNs,
          endNs: req.endNs,
          stepMs: 1000,
          limit: req.limit,
          direction: 'backward',
        },
        this.store,
        this.context(signal),
      )) as StreamsData;
    } catch (err) {
      // History that takes too long is skipped; the tail goes on with live entries.
      if (err instanceof LogQLTimeoutError) return [];
      throw err;
    }
    return history.result
      .flatMap((s) => s.values.map(([ts, line]) => ({ labels: s.stream, timestampNs: BigInt(ts), line })))
      .sort(byTime);
  }
}

function byTime(a: TailEntry, b: TailEntry): number {
  return a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0;
}

/** The newest `limit` entries, oldest first (a backward query's answer, in a tail's order). */
function newest(entries: TailEntry[], limit: number): TailEntry[] {
  const sorted = entries.sort(byTime);
  return sorted.length > limit ? sorted.slice(sorted.length - limit) : sorted;
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
