import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import {
  compilePipeline,
  LogQLEvalError,
  LogQLParseError,
  labelsKey,
  parseQuery,
  queryRange,
  type StreamsData,
  selectorMatches,
} from '../logql/index.js';
import type { LogEntry } from '../model.js';
import type { LogStore } from '../store/index.js';
import { BadRequest, HOUR_NS, nowNs, parseLimit, parseTime } from './loki-params.js';

/** Entries waiting for one client; beyond this they are dropped and reported, never buffered. */
export const TAIL_QUEUE_LIMIT = 1000;
/** A client with this much unsent data is slow: nothing more is written to it until it drains. */
export const TAIL_SOCKET_HIGH_WATER = 1024 * 1024;
const FLUSH_MS = 100;
/** A queue this long is sent at once (not at the next tick) to a client that keeps up. */
const FLUSH_BATCH = 200;
const MAX_DROPPED_REPORTED = 100;

interface Pending {
  labels: Record<string, string>;
  timestampNs: bigint;
  line: string;
}

/**
 * Live tail over WebSocket in Loki's format (`/loki/api/v1/tail`, also `/api/logs/tail` for the
 * console): recent history first, then live entries. Each client has a bounded queue, so a slow
 * client loses entries (reported as `dropped_entries`) and never holds up others or the broker.
 */
export function registerTailRoutes(app: FastifyInstance, store: LogStore): void {
  app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: 64 * 1024 } });
    const handler = (socket: WebSocket, req: { query: unknown }) => {
      startTail(socket, req.query as Record<string, string | undefined>, store).catch((err: unknown) => {
        const known =
          err instanceof BadRequest || err instanceof LogQLParseError || err instanceof LogQLEvalError;
        // 1008: policy violation, Loki's close code for a bad tail request; the reason says why.
        socket.close(known ? 1008 : 1011, (err as Error).message.slice(0, 120));
      });
    };
    scope.get('/loki/api/v1/tail', { websocket: true }, handler);
    scope.get('/api/logs/tail', { websocket: true }, handler);
  });
}

async function startTail(
  socket: WebSocket,
  query: Record<string, string | undefined>,
  store: LogStore,
): Promise<void> {
  const text = query.query;
  if (!text) throw new BadRequest('missing query parameter');
  const expr = parseQuery(text);
  if (expr.kind !== 'log') throw new BadRequest('tail needs a log query, not a metric query');
  const limit = parseLimit(query.limit);
  const now = nowNs();
  const startNs = parseTime(query.start, now - HOUR_NS, 'start');
  const pipeline = compilePipeline(expr.pipeline);

  const queue: Pending[] = [];
  const dropped: { labels: Record<string, string>; timestamp: string }[] = [];
  const unsubscribe = store.subscribe((entry: LogEntry) => {
    if (entry.timestampNs < now || !selectorMatches(expr.matchers, entry.labels)) return;
    const out = pipeline(entry);
    if (!out) return;
    if (queue.length >= TAIL_QUEUE_LIMIT) {
      if (dropped.length < MAX_DROPPED_REPORTED)
        dropped.push({ labels: out.labels, timestamp: String(entry.timestampNs) });
      return;
    }
    queue.push({ labels: out.labels, timestampNs: entry.timestampNs, line: out.line });
    if (queue.length >= FLUSH_BATCH) flush();
  });
  // Only a client that drains its socket gets more; the others' entries wait in the queue.
  const flush = () => {
    if (socket.readyState !== socket.OPEN || socket.bufferedAmount > TAIL_SOCKET_HIGH_WATER) return;
    if (queue.length === 0 && dropped.length === 0) return;
    socket.send(JSON.stringify(message(queue.splice(0), dropped.splice(0))));
  };
  const timer = setInterval(flush, FLUSH_MS);
  socket.once('close', () => {
    clearInterval(timer);
    unsubscribe();
  });

  // History first (entries from `start` up to the moment the tail began), oldest first.
  const history = (await queryRange(
    { query: expr, startNs, endNs: now, stepMs: 1000, limit, direction: 'backward' },
    store,
  )) as StreamsData;
  const sorted = history.result
    .flatMap((s) => s.values.map(([ts, line]) => ({ labels: s.stream, timestampNs: BigInt(ts), line })))
    .sort((a, b) => (a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0));
  if (sorted.length > 0 && socket.readyState === socket.OPEN)
    socket.send(JSON.stringify(message(sorted, [])));
}

function message(entries: Pending[], dropped: { labels: Record<string, string>; timestamp: string }[]) {
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
