import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { SluiceError, toSluiceError, useErrorFormat } from '../../errors/index.js';
import {
  compilePipeline,
  type LogExpr,
  LogQLCanceledError,
  parseQuery,
  QueryContext,
} from '../logql/index.js';
import type { LogStore, LogsConfig } from '../store/index.js';
import { badRequest, HOUR_NS, nowNs, parseLimit, parseTime } from './loki-params.js';
import { TailHistories } from './tail-history.js';
import { Tail, TailHub } from './tail-hub.js';

/** A tail's history that takes longer is skipped, so live entries are not held back for long. */
const HISTORY_TIMEOUT_MS = 10_000;

/** Loki's answer when too many tails are open (it counts per tenant; we count per process). */
function tooManyTails(count: number, limit: number): string {
  return `max concurrent tail requests limit exceeded, count > limit (${count} > ${limit})`;
}

/**
 * Live tail over WebSocket in Loki's format (`/loki/api/v1/tail`, also `/api/logs/tail` for the
 * console): recent history first, then live entries. All tails share one follower of the logs
 * topic (the store's), each client has a bounded queue and send buffer, so a slow client loses
 * entries (reported as `dropped_entries`) and never holds up others or the broker; at most
 * `logs.maxTails` are open, the next is refused with 429 before the upgrade.
 */
export function registerTailRoutes(app: FastifyInstance, store: LogStore, config: LogsConfig): void {
  const hub = new TailHub(
    (listener) => store.subscribe(listener),
    (expr) => compilePipeline(expr.pipeline),
  );
  const historyLimits = { ...config.query, timeoutMs: Math.min(config.query.timeoutMs, HISTORY_TIMEOUT_MS) };
  const histories = new TailHistories(store, (signal) => new QueryContext(historyLimits, { signal }));
  app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: 64 * 1024 } });
    scope.addHook('onClose', async () => hub.stop());
    // Refusals before the upgrade are HTTP answers in Loki's text form.
    useErrorFormat(scope, 'text');
    scope.addHook('preValidation', async () => {
      if (hub.size >= config.maxTails)
        throw new SluiceError('BUSY', tooManyTails(hub.size + 1, config.maxTails));
    });
    const handler = (socket: WebSocket, req: { query: unknown }) => {
      if (hub.size >= config.maxTails) {
        // Upgrades that raced past the check: 1013, try again later.
        socket.close(1013, tooManyTails(hub.size + 1, config.maxTails));
        return;
      }
      startTail(socket, req.query as Record<string, string | undefined>, histories, hub).catch(
        (err: unknown) => {
          if (err instanceof LogQLCanceledError) return;
          const error = toSluiceError(err);
          // 1008: policy violation, Loki's close code for a bad tail request; the reason says why.
          socket.close(error.httpStatus === 400 ? 1008 : 1011, error.message.slice(0, 120));
        },
      );
    };
    scope.get('/loki/api/v1/tail', { websocket: true }, handler);
    scope.get('/api/logs/tail', { websocket: true }, handler);
  });
}

async function startTail(
  socket: WebSocket,
  query: Record<string, string | undefined>,
  histories: TailHistories,
  hub: TailHub,
): Promise<void> {
  const text = query.query;
  if (!text) throw badRequest('missing query parameter');
  const expr = parseQuery(text);
  if (expr.kind !== 'log') throw badRequest('tail needs a log query, not a metric query');
  const limit = parseLimit(query.limit);
  const now = nowNs();
  const startNs = parseTime(query.start, now - HOUR_NS, 'start');

  // Live entries queue from now on; closing the socket stops the history query and frees all.
  const tail = new Tail(socket, expr as LogExpr, now);
  const aborter = new AbortController();
  hub.add(text, tail);
  socket.once('close', () => {
    aborter.abort();
    hub.remove(text, tail);
  });
  if (socket.readyState !== socket.OPEN) return;

  // History first (entries from `start` up to the moment the tail began), oldest first.
  // Live entries wait for the history: it gets a short deadline of its own.
  const key = `${text}\u0000${limit}\u0000${query.start ?? ''}`;
  const history = await histories.read(
    key,
    { expr: expr as LogExpr, startNs, endNs: now, limit },
    aborter.signal,
  );
  tail.sendHistory(history);
}
