// One request through the gateway: match a route, apply its filters, pick the upstream, stream the
// body there and the answer back (nothing is buffered whole), and say clearly what failed: 404 no
// route, 413 too large, 502 unreachable, 503 no instance up, 504 too slow.

import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { methodRetryable, NoInstanceError } from '../resilience/index.js';
import { BodyLimit, BodyTooLargeError } from './body-limit.js';
import { FILTERS, type OutgoingRequest } from './filters.js';
import { noteOf } from './observe.js';
import { addForwarded, endToEnd, requestIdOf, traceparentOf } from './proxy-headers.js';
import { hostWithoutPort, parseCookies, plainAddress, type RequestView } from './request-view.js';
import type { BreakerFilter, RateLimitFilter } from './resilience-filters.js';
import type { CompiledRoute, RouteMatch, RouteTable, Timeouts } from './routes.js';
import { type SendContext, SendError, type Sent, send } from './send.js';

export interface ProxyContext extends SendContext {
  routes(): RouteTable;
  readonly discoveryRoutes: boolean;
  readonly defaults: Timeouts;
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

/** A request sent on to a CircuitBreaker's fallback route (`forward:/path`). */
interface Forward {
  readonly path: string;
  readonly body: Buffer | undefined;
  readonly requestId: string;
}

export async function proxyRequest(
  context: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
  forward?: Forward,
): Promise<void> {
  const requestId = forward?.requestId ?? requestIdOf(req.headers['x-request-id']);
  res.setHeader('x-request-id', requestId);
  const note = noteOf(res);
  note.requestId = requestId;
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
  const path = forward?.path ?? (q < 0 ? url : url.slice(0, q));
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
  if (match === undefined && forward !== undefined)
    return sendJson(res, 503, {
      error: 'Service Unavailable',
      message: `the circuit breaker's fallback ${forward.path} matches no route`,
      path,
      requestId,
    });
  if (match === undefined)
    return sendJson(res, 404, {
      error: 'Not Found',
      message: `no route matches ${method} ${path}`,
      path,
      requestId,
    });
  const { route, captures } = match;
  // A fallback's answer counts for the route the request came in on.
  note.route ??= route.id;

  const trace = traceparentOf(req.headers.traceparent);
  note.traceId ??= trace.traceId;
  const out: OutgoingRequest = { path, query: rawQuery, headers: endToEnd(req.headers) };
  delete out.headers.host;
  out.headers['x-request-id'] = requestId;
  out.headers.traceparent = trace.traceparent;
  addForwarded(out.headers, { remoteAddress, host: req.headers.host, proto: 'http', port: context.port() });
  for (const filter of route.filters) filter.request?.(out, captures);

  const lengthHeader = req.headers['content-length'];
  const declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const limit = route.maxBodyBytes;
  if (limit !== undefined && declared !== undefined && declared > limit) {
    note.rejected = 'too_large';
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
  }

  const rate = route.filters.find((f) => f.rateLimit)?.rateLimit;
  if (
    rate !== undefined &&
    forward === undefined &&
    !limitRate(rate, req, res, remoteAddress, route.id, requestId)
  )
    return;
  const breaker = route.filters.find((f) => f.breaker)?.breaker;
  const permit = breaker?.breaker.acquire();
  if (breaker !== undefined && permit === undefined) {
    note.rejected ??= 'breaker_open';
    return fallback(
      context,
      req,
      res,
      breaker,
      forward,
      requestId,
      route.id,
      forward ? forward.body : unread(req),
    );
  }

  const retry = route.filters.find((f) => f.retry)?.retry;
  const safe = route.metadata['retry-safe'] === true || route.metadata['retry-safe'] === 'true';
  const hasBody = declared !== undefined ? declared > 0 : req.headers['transfer-encoding'] !== undefined;
  let body: Readable | Buffer | undefined = forward?.body;
  if (forward === undefined && hasBody) {
    // A body can be sent again only if held whole: small ones with a Content-Length are read first
    // when a retry or a fallback may need them; any other body streams and is sent once.
    const keep =
      (retry !== undefined && (safe || methodRetryable(method, retry.retrier.config))) ||
      breaker?.fallbackPath !== undefined;
    if (keep && declared !== undefined && declared <= REPLAY_MAX_BYTES) {
      try {
        body = await readWhole(req);
      } catch {
        permit?.release();
        return;
      }
    } else body = limit !== undefined && declared === undefined ? req.pipe(new BodyLimit(limit)) : req;
  }
  // undici takes an EventEmitter as the signal: far cheaper per request than an AbortController.
  const abort = new EventEmitter();
  res.on('close', () => {
    if (!res.writableFinished) abort.emit('abort');
  });
  const started = performance.now();
  let sent: Sent;
  try {
    sent = await send(context, {
      route,
      method,
      pathAndQuery: out.query === '' ? out.path : `${out.path}?${out.query}`,
      headers: out.headers,
      body,
      signal: abort,
      ...(retry === undefined ? {} : { retry }),
      safe,
      onAttempt(origin) {
        note.upstream = origin;
        note.attempts++;
      },
    });
  } catch (error) {
    const cause = error instanceof SendError ? error.cause : error;
    const clientFault = res.destroyed || tooLargeOf(cause) !== undefined;
    if (permit) clientFault ? permit.release() : permit.failure(performance.now() - started);
    // The client went away: nobody reads an answer.
    if (res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (breaker?.fallbackPath !== undefined && !clientFault && !(body instanceof Readable))
      return fallback(context, req, res, breaker, forward, requestId, route.id, body);
    if (error instanceof NoInstanceError) {
      note.rejected = 'no_instance';
      return sendJson(res, 503, {
        error: 'Service Unavailable',
        message: `no instance of service '${error.service}' is UP in the registry`,
        route: route.id,
        requestId,
      });
    }
    answerFailure(context, res, cause, {
      route,
      origin: error instanceof SendError ? (error.origin ?? route.uri) : route.uri,
      requestId,
    });
    return;
  }
  const upstream = sent.answer;
  // The client left while a retry or its backoff was under way: free the upstream's connection.
  if (res.destroyed) {
    permit?.release();
    upstream.body.destroy();
    return;
  }
  if (permit && breaker) {
    const duration = performance.now() - started;
    if (breaker.statusCodes.has(upstream.statusCode)) {
      permit.failure(duration);
      if (breaker.fallbackPath !== undefined && !(body instanceof Readable)) {
        await upstream.body.dump().catch(() => {});
        return fallback(context, req, res, breaker, forward, requestId, route.id, body);
      }
    } else permit.success(duration);
  }
  const headers = endToEnd(upstream.headers);
  for (const filter of route.filters) filter.response?.(headers, captures);
  headers['x-request-id'] = requestId;
  res.writeHead(upstream.statusCode, headers);
  // pipe rather than stream.pipeline, whose AbortController costs a DOMException per request.
  const answer = upstream.body;
  answer.once('error', () => res.destroy());
  answer.on('data', (chunk: Buffer) => {
    note.bytesOut += chunk.length;
  });
  res.once('close', () => {
    if (!res.writableFinished) answer.destroy();
  });
  answer.pipe(res);
}

/** Bodies up to this size are held whole so a retry or a fallback can send them again. */
export const REPLAY_MAX_BYTES = 64 * 1024;

/** A body not read yet: none (undefined), or one that cannot be forwarded to a fallback (null). */
const unread = (req: IncomingMessage): null | undefined => {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')
    ? undefined
    : null;
};

async function readWhole(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function tooLargeOf(error: unknown): BodyTooLargeError | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return error instanceof BodyTooLargeError ? error : cause instanceof BodyTooLargeError ? cause : undefined;
}

/** RequestRateLimiter: Spring's headers on every answer; 429 (or 403 with no key) when denied. */
function limitRate(
  rate: RateLimitFilter,
  req: IncomingMessage,
  res: ServerResponse,
  remoteAddress: string,
  routeId: string,
  requestId: string,
): boolean {
  const key = rate.keyOf(remoteAddress, req.headers);
  if (key === undefined) {
    sendJson(res, 403, {
      error: 'Forbidden',
      message: `route '${routeId}' limits requests by ${rate.keyName}, and this request has none`,
      requestId,
    });
    return false;
  }
  const decision = rate.limiter.take(key);
  for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
  if (decision.allowed) return true;
  noteOf(res).rejected = 'rate_limited';
  sendJson(res, 429, {
    error: 'Too Many Requests',
    message: `route '${routeId}' allows ${rate.limiter.config.replenishRate} request(s) a second per ${rate.keyName} (bursts of ${rate.limiter.config.burstCapacity}); retry after ${decision.retryAfterSeconds} s`,
    requestId,
  });
  return false;
}

/** An open breaker or a failed call: the fallback route when there is one, else 503 at once. */
function fallback(
  context: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
  breaker: BreakerFilter,
  forward: Forward | undefined,
  requestId: string,
  routeId: string,
  body: Buffer | undefined | null,
): Promise<void> | undefined {
  // A body that streams cannot be forwarded; a fallback's own fallback is not followed.
  if (breaker.fallbackPath !== undefined && forward === undefined && body !== null)
    return proxyRequest(context, req, res, { path: breaker.fallbackPath as string, body, requestId });
  sendJson(res, 503, {
    error: 'Service Unavailable',
    message: `circuit breaker '${breaker.breaker.name}' of route '${routeId}' is ${breaker.breaker.state}: the upstream failed or was slow too often`,
    route: routeId,
    requestId,
  });
  return undefined;
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
    noteOf(res).rejected = 'too_large';
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
