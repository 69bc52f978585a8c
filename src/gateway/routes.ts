// The route table: RouteDefinitions compiled once (every problem named by route and field, none
// left for request time), ordered as Spring orders them (lowest `order` first, then as written),
// and the first route whose predicates all hold takes a request.

import type { GatewayConfig, RouteInput } from './config.js';
import { definitionName, parseDefinition } from './definition-args.js';
import { FILTERS, type Filter, NOT_YET } from './filters.js';
import { type Captures, PREDICATES, type Predicate } from './predicates.js';
import type { RequestView } from './request-view.js';
import { ArgError, RouteConfigError, type RouteProblem } from './route-error.js';

export type Target =
  | { readonly kind: 'url'; readonly origin: string }
  | { readonly kind: 'lb'; readonly service: string };

export interface CompiledRoute {
  readonly id: string;
  readonly uri: string;
  readonly order: number;
  readonly target: Target;
  readonly predicates: readonly Predicate[];
  readonly filters: readonly Filter[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly connectTimeoutMs: number;
  /** Time to the response headers; 0: none. */
  readonly responseTimeoutMs: number;
  readonly maxBodyBytes?: number;
  /** The predicates and filters as configured (shown by /api/gateway/routes). */
  readonly definition?: { readonly predicates: readonly unknown[]; readonly filters: readonly unknown[] };
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly captures: Captures;
}

export type Timeouts = Pick<GatewayConfig, 'connectTimeoutMs' | 'responseTimeoutMs'>;

export class RouteTable {
  readonly routes: readonly CompiledRoute[];
  readonly #weights: ReadonlyMap<string, ReadonlyArray<{ routeId: string; weight: number }>>;

  constructor(routes: CompiledRoute[], weights: Map<string, Array<{ routeId: string; weight: number }>>) {
    this.routes = routes;
    this.#weights = weights;
  }

  /** Whether some route sends to `lb://`: then the registry must be followed. */
  get usesLoadBalancer(): boolean {
    return this.routes.some((r) => r.target.kind === 'lb');
  }

  /** The Weight choice of one request: one route per group, drawn once by weight. */
  weightChooser(random: () => number): (group: string) => string | undefined {
    const chosen = new Map<string, string | undefined>();
    return (group) => {
      if (chosen.has(group)) return chosen.get(group);
      const members = this.#weights.get(group) ?? [];
      const total = members.reduce((sum, m) => sum + m.weight, 0);
      let point = random() * total;
      let pick: string | undefined;
      for (const m of members) {
        pick = m.routeId;
        point -= m.weight;
        if (point < 0) break;
      }
      chosen.set(group, pick);
      return pick;
    };
  }

  match(request: RequestView): RouteMatch | undefined {
    for (const route of this.routes) {
      const captures: Captures = {};
      if (route.predicates.every((p) => p(request, captures))) return { route, captures };
    }
    return undefined;
  }
}

/** Compiles every route, or throws RouteConfigError listing every problem of every route. */
export function compileRoutes(
  inputs: readonly RouteInput[],
  defaults: Timeouts,
  base = 'gateway.routes',
): RouteTable {
  const problems: RouteProblem[] = [];
  const routes: CompiledRoute[] = [];
  const weights = new Map<string, Array<{ routeId: string; weight: number }>>();
  const seen = new Set<string>();
  inputs.forEach((input, i) => {
    const key = `${base}[${i}]`;
    const id = typeof input.id === 'string' && input.id !== '' ? input.id : `route-${i}`;
    const problem = (field: string, message: string) =>
      problems.push({ key: `${key}${field}`, routeId: id, message });
    if (seen.has(id)) problem('.id', `another route has the id '${id}'`);
    seen.add(id);
    if (input.enabled === false) return;
    const target = parseTarget(input.uri, (m) => problem('.uri', m));
    const predicates: Predicate[] = [];
    const routeWeights: Array<[string, number]> = [];
    (input.predicates ?? []).forEach((def, j) => {
      const name = definitionName(def);
      const factory = PREDICATES[name];
      if (!factory) {
        problem(
          `.predicates[${j}]`,
          `unknown predicate '${name}' (known: ${Object.keys(PREDICATES).join(', ')})`,
        );
        return;
      }
      try {
        const { args } = parseDefinition(def, factory.spec);
        predicates.push(
          factory.make(args, {
            routeId: id,
            addWeight: (group, weight) => routeWeights.push([group, weight]),
          }),
        );
      } catch (error) {
        if (!(error instanceof ArgError)) throw error;
        problem(`.predicates[${j}]`, `${name}: ${error.message}`);
      }
    });
    const filters: Filter[] = [];
    (input.filters ?? []).forEach((def, j) => {
      const name = definitionName(def);
      const factory = FILTERS[name];
      const why = NOT_YET[name];
      if (why !== undefined) {
        problem(`.filters[${j}]`, why);
        return;
      }
      if (!factory) {
        problem(`.filters[${j}]`, `unknown filter '${name}' (known: ${Object.keys(FILTERS).join(', ')})`);
        return;
      }
      if (ONCE.has(name) && filters.some((f) => f.name === name)) {
        problem(`.filters[${j}]`, `${name} is already on this route; a route takes it once`);
        return;
      }
      try {
        const { args } = parseDefinition(def, factory.spec);
        filters.push({ name, ...factory.make(args, id) });
      } catch (error) {
        if (!(error instanceof ArgError)) throw error;
        problem(`.filters[${j}]`, `${name}: ${error.message}`);
      }
    });
    const metadata = input.metadata ?? {};
    const connectTimeoutMs = timeout(metadata, 'connect-timeout', defaults.connectTimeoutMs, (m) =>
      problem('.metadata.connect-timeout', m),
    );
    const responseTimeoutMs = timeout(metadata, 'response-timeout', defaults.responseTimeoutMs, (m) =>
      problem('.metadata.response-timeout', m),
    );
    if (target === undefined) return;
    for (const [group, weight] of routeWeights) {
      const members = weights.get(group) ?? [];
      members.push({ routeId: id, weight });
      weights.set(group, members);
    }
    const sizes = filters.flatMap((f) => (f.maxBodyBytes === undefined ? [] : [f.maxBodyBytes]));
    routes.push({
      id,
      uri: input.uri,
      order: input.order ?? 0,
      target,
      predicates,
      filters,
      metadata,
      connectTimeoutMs,
      responseTimeoutMs,
      definition: { predicates: input.predicates ?? [], filters: input.filters ?? [] },
      ...(sizes.length > 0 ? { maxBodyBytes: Math.min(...sizes) } : {}),
    });
  });
  if (problems.length > 0) throw new RouteConfigError(problems);
  // Array.prototype.sort is stable: equal orders keep the order of the file.
  routes.sort((a, b) => a.order - b.order);
  return new RouteTable(routes, weights);
}

/** Filters that hold one policy per route: a second one would be ignored, so it is refused. */
const ONCE = new Set(['Retry', 'CircuitBreaker', 'RequestRateLimiter']);

const LB = /^lb:\/\/([A-Za-z0-9][A-Za-z0-9._-]{0,199})\/?$/;

export function parseTarget(uri: unknown, problem: (message: string) => void): Target | undefined {
  if (typeof uri !== 'string' || uri === '') {
    problem('is required: an http(s):// URL or lb://service-name');
    return undefined;
  }
  const lb = LB.exec(uri);
  if (lb) return { kind: 'lb', service: (lb[1] as string).toUpperCase() };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    problem(`'${uri}' is not a URL (http://host:port, https://host:port or lb://service-name)`);
    return undefined;
  }
  if (url.protocol === 'lb:') {
    problem(`'${uri}' is not a service name: use letters, digits, '.', '_' or '-'`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problem(`scheme '${url.protocol.slice(0, -1)}' is not supported (yet): use http, https or lb`);
    return undefined;
  }
  return { kind: 'url', origin: url.origin };
}

function timeout(
  metadata: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  problem: (message: string) => void,
): number {
  const raw = metadata[key];
  if (raw === undefined) return fallback;
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (n === -1) return 0;
  if (!Number.isSafeInteger(n) || n < 1) {
    problem(`must be a number of milliseconds >= 1 (or -1 for none), got ${JSON.stringify(raw)}`);
    return fallback;
  }
  return n;
}
