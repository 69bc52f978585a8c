import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { useErrorFormat } from '../../errors/index.js';
import { decodePushRequest, pushStreamToEntries } from '../ingest/index.js';
import { QueryContext, queryInstant, queryRange } from '../logql/index.js';
import type { LogStore, LogsConfig } from '../store/index.js';
import {
  badRequest,
  HOUR_NS,
  many,
  nowNs,
  parseDirection,
  parseLimit,
  parseStepMs,
  parseTime,
  selectorOf,
} from './loki-params.js';

type Query = Record<string, string | string[] | undefined>;

/**
 * Grafana Loki's HTTP API over the log store: what Grafana's Loki data source, logcli and
 * Promtail/Alloy/Fluent Bit use. Errors are answered as Loki does: the message as text/plain
 * (400 for a query or limit the client must change, 504 out of time, 499 gone), by the platform's
 * one error handler in the text format this scope asks for.
 */
export function registerLokiRoutes(platform: FastifyInstance, store: LogStore, config: LogsConfig): void {
  // In a plugin scope of its own, so these body parsers apply to Loki's routes only.
  platform.register(async (app) => lokiRoutes(app, store, config));
}

/** A query's budget, cancelled when its client goes away before the answer. */
function queryContext(res: ServerResponse, config: LogsConfig): QueryContext {
  const aborter = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort();
  });
  return new QueryContext(config.query, { signal: aborter.signal });
}

function lokiRoutes(app: FastifyInstance, store: LogStore, config: LogsConfig): void {
  useErrorFormat(app, 'text');
  // Push bodies are protobuf or (possibly compressed) JSON: keep them as bytes for the decoder.
  // The compressed body may be as large as the decompressed one may become.
  app.addContentTypeParser(
    ['application/x-protobuf', 'application/json'],
    { parseAs: 'buffer', bodyLimit: config.push.maxDecompressedBytes },
    (_req, body, done) => done(null, body),
  );

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/ready', async (_req, reply) => reply.type('text/plain').send('ready\n'));

  const answer =
    (handler: (q: Query, ctx: QueryContext) => Promise<unknown>) =>
    async (req: { query: unknown; body?: unknown }, reply: FastifyReply) => {
      const params = { ...(req.query as Query), ...formParams(req.body) };
      const ctx = queryContext(reply.raw, config);
      return reply.send({ status: 'success', data: await handler(params, ctx) });
    };

  const instant = answer(async (q, ctx) => {
    const timeNs = parseTime(one(q.time), nowNs(), 'time');
    return queryInstant(
      {
        query: required(q.query, 'query'),
        timeNs,
        limit: parseLimit(one(q.limit)),
        direction: parseDirection(one(q.direction)),
      },
      store,
      ctx,
    );
  });
  const range = answer(async (q, ctx) => {
    const endNs = parseTime(one(q.end), nowNs(), 'end');
    const startNs = parseTime(one(q.start), endNs - HOUR_NS, 'start');
    return queryRange(
      {
        query: required(q.query, 'query'),
        startNs,
        endNs,
        stepMs: parseStepMs(one(q.step), startNs, endNs),
        limit: parseLimit(one(q.limit)),
        direction: parseDirection(one(q.direction)),
      },
      store,
      ctx,
    );
  });
  app.get('/loki/api/v1/query', instant);
  app.post('/loki/api/v1/query', instant);
  app.get('/loki/api/v1/query_range', range);
  app.post('/loki/api/v1/query_range', range);

  const window = (q: Query) => {
    const endNs = parseTime(one(q.end), nowNs(), 'end');
    // Loki's label and series endpoints look back 6 hours unless told otherwise.
    return { startNs: parseTime(one(q.start), endNs - 6n * HOUR_NS, 'start'), endNs };
  };
  const selectors = (q: Query) => [...many(q['match[]']), ...many(q.query)].map(selectorOf);

  const labels = answer(async (q) => {
    const { startNs, endNs } = window(q);
    return store.index.labelNames(startNs, endNs, selectors(q));
  });
  app.get('/loki/api/v1/labels', labels);
  app.post('/loki/api/v1/labels', labels);
  app.get<{ Params: { name: string } }>('/loki/api/v1/label/:name/values', async (req, reply) =>
    answer(async (q) => {
      const { startNs, endNs } = window(q);
      return store.index.labelValues(req.params.name, startNs, endNs, selectors(q));
    })(req, reply),
  );
  const series = answer(async (q) => {
    const { startNs, endNs } = window(q);
    const matchers = selectors(q);
    if (matchers.length === 0) throw badRequest('at least one match[] argument must be provided');
    return store.index.series(matchers, startNs, endNs);
  });
  app.get('/loki/api/v1/series', series);
  app.post('/loki/api/v1/series', series);

  app.get('/loki/api/v1/index/stats', async (req, reply) => {
    const q = req.query as Query;
    const { startNs, endNs } = window(q);
    return reply.send(store.index.stats(selectorOf(required(q.query, 'query')), startNs, endNs));
  });

  app.post('/loki/api/v1/push', async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(String(req.body ?? ''));
    const request = decodePushRequest(
      body,
      req.headers['content-type'] ?? '',
      String(req.headers['content-encoding'] ?? ''),
      config.push,
    );
    await store.push(request.streams.flatMap(pushStreamToEntries));
    return reply.code(204).send();
  });
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function required(value: string | string[] | undefined, name: string): string {
  const v = one(value);
  if (v === undefined || v === '') throw badRequest(`missing ${name} parameter`);
  return v;
}

/** Grafana may POST queries as a form; fastify leaves such bodies as strings here. */
function formParams(body: unknown): Query {
  if (typeof body !== 'string' || body === '') return {};
  const out: Query = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...many(prev), v];
  }
  return out;
}
