// One request through the gateway: match a route, apply its filters, pick the upstream, stream the
// body there and the answer back (nothing is buffered whole), and say clearly what failed: 404 no
// route, 413 too large, 502 unreachable, 503 no instance up, 504 too slow.

import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { BodyLimit, BodyTooLargeError } from './body-limit.js';
import { FILTERS, type OutgoingRequest } from './filters.js';
import { addForwarded, endToEnd, requestIdOf, traceparentOf } from './proxy-headers.js';
import type { RegistryFollower } from './registry-follower.js';
import { hostWithoutPort, parseCookies, plainAddress, type RequestView } from './request-view.js';
import type { CompiledRoute, RouteMatch, RouteTable, Timeouts } from './routes.js';
import type { Upstreams } from './upstreams.js';

export interface ProxyContext {
  routes(): RouteTable;
  readonly follower?: RegistryFollower;
  readonly discoveryRoutes: boolean;
  readonly defaults: Timeouts;
  readonly upstreams: Upstreams;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
  /** The gateway's own port (X-Forwarded-Port). */
  port(): number;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  close = false,
): void {
  const text = JSON.stringify({ status, ...body });
  if (close) res.setHeader('connection', 'close');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** What Node's parser lets through and a proxy must still refuse (RFC 9112 6.3): ambiguous framing. */
function framingProblem(req: IncomingMessage): string | undefined {
  let lengths = 0;
  let encodings = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    if (name === 'content-length') lengths++;
    else if (name === 'transfer-encoding') encodings++;
  }
  if (lengths > 0 && encodings > 0)
    return 'a request may not carry both Content-Length and Transfer-Encoding';
  if (lengths > 1) return 'a request may carry Content-Length once';
  return undefined;
}

const discoveryCache = new WeakMap<ProxyContext, Map<string, CompiledRoute>>();

/** `/{service}/**` for a registered service, with StripPrefix=1 (Spring's discovery locator). */
function discoveryMatch(context: ProxyContext, path: string): RouteMatch | undefined {
  const follower = context.follower;
  if (!context.discoveryRoutes || follower === undefined) return undefined;
  const first = path.split('/')[1] ?? '';
  if (first === '' || first !== first.toLowerCase() || !follower.has(first)) return undefined;
  const service = first.toUpperCase();
  let cache = discoveryCache.get(context);
  if (!cache) {
    cache = new Map();
    discoveryCache.set(context, cache);
  }
  let route = cache.get(service);
  if (!route) {
    const strip = FILTERS.StripPrefix?.make({ parts: '1' }) ?? {};
    route = {
      id: `discovery_${service}`,
      uri: `lb://${first}`,
      order: 0,
      target: { kind: 'lb', service },
      predicates: [],
      filters: [{ name: 'StripPrefix', ...strip }],
      metadata: {},
      connectTimeoutMs: context.defaults.connectTimeoutMs,
      responseTimeoutMs: context.defaults.responseTimeoutMs,
    };
    cache.set(service, route);
  }
  return { route, captures: {} };
}

export async function proxyRequest(
  context: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = requestIdOf(req.headers['x-request-id']);
  res.setHeader('x-request-id', requestId);
  const framing = framingProblem(req);
  if (framing !== undefined)
    return sendJson(res, 400, { error: 'Bad Request', message: framing, requestId }, true);
  const url = req.url ?? '/';
  if (!url.startsWith('/'))
    return sendJson(
      res,
      400,
      { error: 'Bad Request', message: 'the request target must be a path', requestId },
      true,
    );
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  const table = context.routes();
  const remoteAddress = plainAddress(req.socket.remoteAddress);
  let cookies: Map<string, string> | undefined;
  const view: RequestView = {
    method,
    path,
    query: new URLSearchParams(rawQuery),
    headers: req.headers,
    host: hostWithoutPort(req.headers.host),
    remoteAddress,
    now: context.now(),
    cookies: () => (cookies ??= parseCookies(req.headers.cookie)),
    weightChoice: table.weightChooser(context.random),
  };
  const match = table.match(view) ?? discoveryMatch(context, path);
  if (match === undefined)
    return sendJson(res, 404, {
      error: 'Not Found',
      message: `no route matches ${method} ${path}`,
      path,
      requestId,
    });
  const { route, captures } = match;

  const trace = traceparentOf(req.headers.traceparent);
  const out: OutgoingRequest = { path, query: rawQuery, headers: endToEnd(req.headers) };
  delete out.headers.host;
  out.headers['x-request-id'] = requestId;
  out.headers.traceparent = trace.traceparent;
  addForwarded(out.headers, { remoteAddress, host: req.headers.host, proto: 'http', port: context.port() });
  for (const filter of route.filters) filter.request?.(out, captures);

  const lengthHeader = req.headers['content-length'];
  const declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const limit = route.maxBodyBytes;
  if (limit !== undefined && declared !== undefined && declared > limit)
    return sendJson(
      res,
      413,
      {
        error: 'Payload Too Large',
        message: `the request body is ${declared} bytes; route '${route.id}' accepts at most ${limit}`,
        requestId,
      },
      true,
    );

  let origin: string | undefined;
  if (route.target.kind === 'url') origin = route.target.origin;
  else {
    origin = context.follower?.pick(route.target.service);
    if (origin === undefined)
      return sendJson(res, 503, {
        error: 'Service Unavailable',
        message: `no instance of service '${route.target.service}' is UP in the registry`,
        route: route.id,
        requestId,
      });
  }

  const hasBody = declared !== undefined ? declared > 0 : req.headers['transfer-encoding'] !== undefined;
  let body: Readable | undefined;
  if (hasBody) body = limit !== undefined && declared === undefined ? req.pipe(new BodyLimit(limit)) : req;
  // undici takes an EventEmitter as the signal: far cheaper per request than an AbortController.
  const abort = new EventEmitter();
  res.on('close', () => {
    if (!res.writableFinished) abort.emit('abort');
  });
  try {
    const upstream = await context.upstreams.pool(origin, route.connectTimeoutMs).request({
      path: out.query === '' ? out.path : `${out.path}?${out.query}`,
      method,
      headers: out.headers,
      body: body ?? null,
      signal: abort,
      headersTimeout: route.responseTimeoutMs,
      bodyTimeout: 0,
    });
    const headers = endToEnd(upstream.headers);
    for (const filter of route.filters) filter.response?.(headers, captures);
    headers['x-request-id'] = requestId;
    res.writeHead(upstream.statusCode, headers);
    // pipe rather than stream.pipeline, whose AbortController costs a DOMException per request.
    const answer = upstream.body;
    answer.once('error', () => res.destroy());
    res.once('close', () => {
      if (!res.writableFinished) answer.destroy();
    });
    answer.pipe(res);
  } catch (error) {
    // The client went away: nobody reads an answer.
    if (res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    answerFailure(context, res, error, { route, origin, requestId });
  }
}

function answerFailure(
  context: ProxyContext,
  res: ServerResponse,
  error: unknown,
  at: { route: CompiledRoute; origin: string; requestId: string },
): void {
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: unknown }).cause;
  const { route, origin, requestId } = at;
  const tooLarge =
    error instanceof BodyTooLargeError ? error : cause instanceof BodyTooLargeError ? cause : undefined;
  if (tooLarge) {
    const message = `the request body is larger than route '${route.id}' accepts (${tooLarge.limit} bytes)`;
    sendJson(res, 413, { error: 'Payload Too Large', message, requestId }, true);
    return;
  }
  const where = { route: route.id, requestId };
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    const message =
      code === 'UND_ERR_CONNECT_TIMEOUT'
        ? `connecting to ${origin} took longer than ${route.connectTimeoutMs} ms`
        : `${origin} did not answer within ${route.responseTimeoutMs} ms`;
    sendJson(res, 504, { error: 'Gateway Timeout', message, ...where });
    return;
  }
  context.logger.debug({ err: error, route: route.id, origin }, 'upstream request failed');
  const why = code ?? (error as Error).message;
  sendJson(res, 502, { error: 'Bad Gateway', message: `${origin} cannot be reached (${why})`, ...where });
}
