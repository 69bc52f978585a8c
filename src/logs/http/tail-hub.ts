import type { WebSocket } from 'ws';
import { type LogExpr, labelsKey, type Pipeline, selectorMatches } from '../logql/index.js';
import type { LogEntry } from '../model.js';

/** Entries waiting for one client; beyond this they are dropped and reported, never buffered. */
export const TAIL_QUEUE_LIMIT = 1000;
/** ... and at most this many bytes of lines wait, whatever their number. */
export const TAIL_QUEUE_BYTES = 1024 * 1024;
/** A client with this much unsent data is slow: nothing more is written to it until it drains. */
export const TAIL_SOCKET_HIGH_WATER = 1024 * 1024;
const FLUSH_MS = 100;
/** A queue this long is sent at once (not at the next tick) to a client that keeps up. */
const FLUSH_BATCH = 200;
const MAX_DROPPED_REPORTED = 100;

export interface TailEntry {
  labels: Record<string, string>;
  timestampNs: bigint;
  line: string;
}

interface Dropped {
  labels: Record<string, string>;
  timestamp: string;
}

/**
 * One client of the live tail: a bounded queue in front of its socket. While the socket has more
 * than TAIL_SOCKET_HIGH_WATER unsent, nothing is written to it; when the queue is full, entries
 * are dropped and told to the client as Loki does, in `dropped_entries`.
 */
export class Tail {
  private queue: TailEntry[] = [];
  private queuedBytes = 0;
  private dropped: Dropped[] = [];
  /** Live entries wait until the history has gone out first. */
  private live = false;

  constructor(
    readonly socket: WebSocket,
    readonly expr: LogExpr,
    /** Live entries older than this belong to the history. */
    readonly sinceNs: bigint,
  ) {}

  offer(entry: TailEntry): void {
    if (entry.timestampNs < this.sinceNs) return;
    if (this.queue.length >= TAIL_QUEUE_LIMIT || this.queuedBytes >= TAIL_QUEUE_BYTES) {
      this.drop(entry);
      return;
    }
    this.queue.push(entry);
    this.queuedBytes += entry.line.length;
    if (this.queue.length >= FLUSH_BATCH) this.flush();
  }

  private drop(entry: TailEntry): void {
    if (this.dropped.length < MAX_DROPPED_REPORTED)
      this.dropped.push({ labels: entry.labels, timestamp: String(entry.timestampNs) });
  }

  private writable(): boolean {
    return (
      this.socket.readyState === this.socket.OPEN && this.socket.bufferedAmount <= TAIL_SOCKET_HIGH_WATER
    );
  }

  /** Sends the history in parts while the client takes them; what it cannot take is dropped. */
  sendHistory(entries: readonly TailEntry[]): void {
    for (let i = 0; i < entries.length; i += FLUSH_BATCH) {
      const part = entries.slice(i, i + FLUSH_BATCH);
      if (this.writable()) this.socket.send(JSON.stringify(message(part, [])));
      else for (const e of part) this.drop(e);
    }
    this.live = true;
    this.flush();
  }

  /**
   * Sends what is queued. Tails of one query that dropped nothing hold the same run of entries
   * (the hub offers each entry to all of them in order), so with `shared` one flush of the hub
   * encodes such a run once for all of them: 200 tails cost one JSON, not 200.
   */
  flush(shared?: SharedMessages): void {
    if (!this.live || !this.writable()) return;
    if (this.queue.length === 0 && this.dropped.length === 0) return;
    const entries = this.queue;
    const dropped = this.dropped;
    this.queue = [];
    this.queuedBytes = 0;
    this.dropped = [];
    const same = shared && dropped.length === 0 ? shared.get(entries[0]) : undefined;
    let data = same?.get(entries.length);
    if (!data) {
      data = Buffer.from(JSON.stringify(message(entries, dropped)));
      if (shared && dropped.length === 0) {
        if (same) same.set(entries.length, data);
        else shared.set(entries[0], new Map([[entries.length, data]]));
      }
    }
    this.socket.send(data, { binary: false });
  }

  /** Lets go of everything the tail holds. */
  clear(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.dropped = [];
  }
}

/** Encoded messages of one hub flush, by the run they carry: its first entry, then its length. */
type SharedMessages = Map<TailEntry, Map<number, Buffer>>;

interface Group {
  expr: LogExpr;
  pipeline: Pipeline;
  tails: Set<Tail>;
}

/**
 * All live tails behind one subscription to the store's single follower of the logs topic:
 * whatever the number of tails, the platform reads the topic once. Tails with the same query
 * share the work of matching and running the pipeline; one timer flushes them all.
 */
export class TailHub {
  private readonly groups = new Map<string, Group>();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private count = 0;

  constructor(
    private readonly subscribe: (listener: (entry: LogEntry) => void) => () => void,
    private readonly compile: (expr: LogExpr) => Pipeline,
  ) {}

  get size(): number {
    return this.count;
  }

  add(key: string, tail: Tail): void {
    let group = this.groups.get(key);
    if (!group) {
      group = { expr: tail.expr, pipeline: this.compile(tail.expr), tails: new Set() };
      this.groups.set(key, group);
    }
    group.tails.add(tail);
    this.count++;
    this.unsubscribe ??= this.subscribe((entry) => this.onEntry(entry));
    this.timer ??= setInterval(() => this.flushAll(), FLUSH_MS);
  }

  remove(key: string, tail: Tail): void {
    const group = this.groups.get(key);
    if (!group?.tails.delete(tail)) return;
    tail.clear();
    this.count--;
    if (group.tails.size === 0) this.groups.delete(key);
    if (this.count === 0) this.stop();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private onEntry(entry: LogEntry): void {
    for (const group of this.groups.values()) {
      if (!selectorMatches(group.expr.matchers, entry.labels)) continue;
      const out = group.pipeline(entry);
      if (!out) continue;
      const tailEntry = { labels: out.labels, timestampNs: entry.timestampNs, line: out.line };
      for (const tail of group.tails) tail.offer(tailEntry);
    }
  }

  private flushAll(): void {
    for (const group of this.groups.values()) {
      const shared: SharedMessages = new Map();
      for (const tail of group.tails) tail.flush(shared);
    }
  }
}

/** Loki's tail message: entries grouped by stream, and what was dropped since the last one. */
function message(entries: readonly TailEntry[], dropped: Dropped[]) {
  const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
  for (const e of entries) {
    const key = labelsKey(e.labels);
    let s = streams.get(key);
    if (!s) {
      s = { stream: e.labels, values: [] };
      streams.set(key, s);
    }
    s.values.push([String(e.timestampNs), e.line]);
  }
  return { streams: [...streams.values()], dropped_entries: dropped.length > 0 ? dropped : null };
}
