// What the gateway tells about itself: Prometheus series in its own registry (the names
// deploy/prometheus/alerts.yml uses), and one access-log line per request. The proxy writes what
// it learns about a request (route, upstream, attempts, a rejection) on the request's note; the
// numbers and the log line are taken once, when the answer has been sent or the client has left.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState, OutlierDetector } from '../resilience/index.js';
import type { RegistryFollower } from './registry-follower.js';
import type { RouteTable } from './routes.js';

export type RejectionReason = 'breaker_open' | 'rate_limited' | 'no_instance' | 'too_large';

/** What the proxy learned about one request. */
export interface RequestNote {
  route?: string;
  upstream?: string;
  attempts: number;
  bytesOut: number;
  requestId?: string;
  traceId?: string;
  rejected?: RejectionReason;
}

const notes = new WeakMap<ServerResponse, RequestNote>();

/** The note of a request; one that is not observed gets a note nobody reads. */
export function noteOf(res: ServerResponse): RequestNote {
  let note = notes.get(res);
  if (note === undefined) {
    note = { attempts: 0, bytesOut: 0 };
    notes.set(res, note);
  }
  return note;
}

/** The series the gateway exports (each in GatewayObserver's registry). */
export const GATEWAY_METRIC_NAMES = [
  'sluice_gateway_requests_total',
  'sluice_gateway_request_duration_seconds',
  'sluice_gateway_retries_total',
  'sluice_gateway_rejections_total',
  'sluice_circuit_breaker_state',
  'sluice_gateway_upstream_ejected',
] as const;

const BREAKER_STATES: readonly BreakerState[] = ['CLOSED', 'OPEN', 'HALF_OPEN', 'DISABLED', 'FORCED_OPEN'];

/** Status logged and counted for a request whose client left before the answer was sent (nginx's). */
const CLIENT_CLOSED = 499;

export interface ObserverSources {
  routes(): RouteTable;
  readonly follower?: RegistryFollower;
  readonly outliers: OutlierDetector;
  readonly logger: Logger;
}

export class GatewayObserver {
  readonly registry = new Registry();
  readonly #logger: Logger;
  readonly #requests: Counter<'route' | 'code' | 'method'>;
  readonly #duration: Histogram<'route'>;
  readonly #retries: Counter<'route'>;
  readonly #rejections: Counter<'route' | 'reason'>;

  constructor(sources: ObserverSources) {
    const registers = [this.registry];
    this.#logger = sources.logger;
    this.#requests = new Counter({
      name: 'sluice_gateway_requests_total',
      help: 'Requests answered by the gateway, by route (empty: none matched), status code and method.',
      labelNames: ['route', 'code', 'method'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'sluice_gateway_request_duration_seconds',
      help: 'Time from the request to the end of the answer, by route.',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#retries = new Counter({
      name: 'sluice_gateway_retries_total',
      help: 'Attempts sent again to an upstream by the Retry filter, by route.',
      labelNames: ['route'],
      registers,
    });
    this.#rejections = new Counter({
      name: 'sluice_gateway_rejections_total',
      help: 'Requests the gateway refused itself: breaker_open, rate_limited, no_instance, too_large.',
      labelNames: ['route', 'reason'],
      registers,
    });
    new Gauge({
      name: 'sluice_circuit_breaker_state',
      help: "1 for the current state of each route's circuit breaker, 0 for its other states.",
      labelNames: ['name', 'state'],
      registers,
      collect() {
        this.reset();
        for (const { breaker } of breakersOf(sources.routes()))
          for (const state of BREAKER_STATES)
            this.set({ name: breaker.name, state: state.toLowerCase() }, breaker.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'sluice_gateway_upstream_ejected',
      help: 'UP instances of lb:// services: 1 while ejected as an outlier, else 0.',
      labelNames: ['service', 'upstream'],
      registers,
      collect() {
        this.reset();
        for (const { service, upstream, ejected } of upstreamsOf(sources))
          this.set({ service, upstream }, ejected ? 1 : 0);
      },
    });
  }

  /** Watches one request until its answer is sent or its client leaves. */
  watch(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const note = noteOf(res);
    res.once('close', () => {
      const ms = performance.now() - started;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const route = note.route ?? '';
      const method = req.method ?? 'GET';
      this.#requests.inc({ route, code: String(status), method });
      this.#duration.observe({ route }, ms / 1000);
      if (note.attempts > 1) this.#retries.inc({ route }, note.attempts - 1);
      if (note.rejected) this.#rejections.inc({ route, reason: note.rejected });
      const length = Number(res.getHeader('content-length'));
      this.#logger.info(
        {
          route: note.route,
          upstream: note.upstream,
          method,
          path: req.url,
          status,
          durationMs: Math.round(ms * 1000) / 1000,
          bytesOut: note.bytesOut > 0 || !Number.isFinite(length) ? note.bytesOut : length,
          traceId: note.traceId,
          requestId: note.requestId,
        },
        'gateway access',
      );
    });
  }
}

export function breakersOf(table: RouteTable) {
  return table.routes.flatMap((route) => {
    const filter = route.filters.find((f) => f.breaker)?.breaker;
    return filter ? [{ route: route.id, breaker: filter.breaker }] : [];
  });
}

/** The UP instances of every lb:// service the routes name, and whether each is ejected. */
export function upstreamsOf(sources: Pick<ObserverSources, 'routes' | 'follower' | 'outliers'>) {
  const follower = sources.follower;
  if (follower === undefined) return [];
  const services = new Set(
    sources.routes().routes.flatMap((r) => (r.target.kind === 'lb' ? [r.target.service] : [])),
  );
  return [...services].flatMap((service) =>
    follower
      .upUrls(service)
      .map((upstream) => ({ service, upstream, ejected: sources.outliers.isEjected(upstream) })),
  );
}
