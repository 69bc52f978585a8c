// Sends one request upstream: picks the instance (lb:// in turn among the UP ones, skipping those
// ejected as outliers), makes the attempt, and — when the route has Retry and the request may be
// repeated — retries on another instance through src/resilience's Retrier. Every answer and
// failure of an lb:// instance feeds the outlier detector (Envoy's consecutive 5xx).

import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { classifyError, NoInstanceError, type OutlierDetector } from '../resilience/index.js';
import type { HeaderBag } from './filters.js';
import type { RegistryFollower } from './registry-follower.js';
import type { RetryFilter } from './resilience-filters.js';
import type { CompiledRoute } from './routes.js';
import type { Upstreams } from './upstreams.js';

export interface SendContext {
  readonly follower?: RegistryFollower;
  readonly upstreams: Upstreams;
  readonly outliers: OutlierDetector;
}

export interface SendRequest {
  readonly route: CompiledRoute;
  readonly method: string;
  readonly pathAndQuery: string;
  readonly headers: HeaderBag;
  /** A Buffer may be sent again; a stream only once. */
  readonly body: Buffer | Readable | undefined;
  readonly signal: EventEmitter;
  /** Retry when the route has it and the request may be repeated. */
  readonly retry?: RetryFilter;
  /** The route's metadata says any method may be retried. */
  readonly safe: boolean;
  /** Told of every attempt, with the upstream it goes to (retries, the access log). */
  readonly onAttempt?: (origin: string) => void;
}

interface Instance {
  readonly id: string;
  readonly origin: string;
}

export interface Sent {
  readonly answer: Dispatcher.ResponseData;
  readonly origin: string;
}

/** Thrown with the origin of the last attempt, so the 502/504 can name it. */
export class SendError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly origin: string | undefined,
  ) {
    super('upstream request failed', { cause });
  }
}

export async function send(context: SendContext, request: SendRequest): Promise<Sent> {
  const { route } = request;
  const target = route.target;
  const follower = context.follower;
  let last: string | undefined;

  const pick = (excluding: ReadonlySet<string>): Instance | undefined => {
    // A fixed URL has one instance: each attempt goes there again (as Spring's Retry does).
    if (target.kind === 'url') return { id: `${target.origin}#${excluding.size}`, origin: target.origin };
    if (follower === undefined) return undefined;
    const service = target.service;
    const url =
      follower.pickExcept(service, (u) => excluding.has(u) || context.outliers.isEjected(u)) ??
      // Every instance left is ejected: use them rather than fail (Envoy's panic mode).
      follower.pickExcept(service, (u) => excluding.has(u));
    return url === undefined ? undefined : { id: url, origin: url };
  };

  const failed = (origin: string) => {
    if (target.kind === 'lb' && follower) context.outliers.failure(origin, follower.upUrls(target.service));
  };

  const attempt = async (instance: Instance): Promise<Sent> => {
    last = instance.origin;
    request.onAttempt?.(instance.origin);
    const deadline = responseDeadline(request.signal, route.responseTimeoutMs);
    try {
      const answer = await context.upstreams.pool(instance.origin, route.connectTimeoutMs).request({
        path: request.pathAndQuery,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        signal: deadline.signal,
        // undici's own headers timeout ticks on its 1 s timer wheel: a 100 ms timeout fired after
        // about a second. The deadline above is a precise timer.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      if (target.kind === 'lb') {
        if (answer.statusCode >= 500) failed(instance.origin);
        else context.outliers.success(instance.origin);
      }
      return { answer, origin: instance.origin };
    } catch (error) {
      const thrown = deadline.expired() ? new ResponseTimeoutError(route.responseTimeoutMs) : error;
      if (classifyError(thrown) !== undefined) failed(instance.origin);
      throw thrown;
    } finally {
      deadline.clear();
    }
  };

  const noInstance = () => new NoInstanceError(target.kind === 'lb' ? target.service : target.origin);
  const replayable = !(request.body !== undefined && !Buffer.isBuffer(request.body));
  try {
    if (request.retry === undefined || !replayable) {
      const instance = pick(new Set());
      if (instance === undefined) throw noInstance();
      return await attempt(instance);
    }
    return await request.retry.retrier.execute<Instance, Sent>({
      method: request.method,
      pick,
      attempt: (instance) => attempt(instance),
      statusOf: (sent) => sent.answer.statusCode,
      discard: (sent) => sent.answer.body.dump(),
      noInstance,
      ...(request.safe ? { config: { safe: true } } : {}),
    });
  } catch (error) {
    if (error instanceof NoInstanceError) throw error;
    throw new SendError(error, last);
  }
}

/** An upstream that sent no response headers within the route's response timeout (504). */
class ResponseTimeoutError extends Error {
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
  constructor(ms: number) {
    super(`no response headers within ${ms} ms`);
  }
}

/**
 * A signal for one attempt: aborted when the client's is (also while the answer's body streams),
 * or when `ms` pass before the answer's headers (the timer is cleared by then). 0: no deadline.
 */
function responseDeadline(outer: EventEmitter, ms: number) {
  const signal = new EventEmitter();
  const forward = () => signal.emit('abort');
  outer.once('abort', forward);
  let expired = false;
  const timer =
    ms > 0
      ? setTimeout(() => {
          expired = true;
          signal.emit('abort');
        }, ms)
      : undefined;
  return {
    signal,
    expired: () => expired,
    clear() {
      if (timer) clearTimeout(timer);
    },
  };
}
