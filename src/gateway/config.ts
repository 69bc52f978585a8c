// The gateway's section of Sluice's config file (`gateway:`): where it listens, its routes in Spring
// Cloud Gateway's model, and the defaults every route starts from. The config room checks the shape
// (types, unknown keys); the routes' meaning (predicate and filter names, patterns, regexes, URIs)
// is checked by compileRoutes, which names the route and field of each problem.

/** A predicate or filter as written: Spring's shortcut (`Path=/a/**`) or expanded (`{name, args}`). */
export type DefinitionInput = string | { name: string; args?: Record<string, unknown> };

/** One route as written in the file (Spring Cloud Gateway's RouteDefinition). */
export interface RouteInput {
  id?: string;
  uri: string;
  predicates?: DefinitionInput[];
  filters?: DefinitionInput[];
  order?: number;
  metadata?: Record<string, unknown>;
  enabled?: boolean;
}

export interface GatewayConfig {
  /** Run the gateway inside `sluice start` (on a thread of its own). `sluice gateway` always runs it. */
  enabled: boolean;
  host: string;
  port: number;
  /** The admin listener (/metrics, /api/gateway/*) on `host`; -1: none, 0: a free port. */
  adminPort: number;
  routes: RouteInput[];
  /** A route `/{service}/**` (StripPrefix=1) for every service in the registry, after the routes. */
  discoveryRoutes: boolean;
  /** The registry's events topic, followed for `lb://` targets. */
  registryTopic: string;
  /** Connect timeout to an upstream, unless a route's metadata says `connect-timeout`. */
  connectTimeoutMs: number;
  /** Time to the upstream's response headers, unless a route's metadata says `response-timeout`. */
  responseTimeoutMs: number;
  /** Largest request head accepted; larger gets 431. */
  maxHeaderBytes: number;
  /** Passive outlier ejection of lb:// instances (Envoy's consecutive 5xx). */
  outlierDetection: OutlierDetectionConfig;
}

export interface OutlierDetectionConfig {
  consecutive5xx: number;
  baseEjectionTimeMs: number;
  maxEjectionTimeMs: number;
  maxEjectionPercent: number;
  intervalMs: number;
}

export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = {
  enabled: false,
  host: '127.0.0.1',
  port: 8000,
  adminPort: -1,
  routes: [],
  discoveryRoutes: false,
  registryTopic: 'sluice-registry-events',
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 60_000,
  maxHeaderBytes: 16 * 1024,
  // Envoy's defaults.
  outlierDetection: {
    consecutive5xx: 5,
    baseEjectionTimeMs: 30_000,
    maxEjectionTimeMs: 300_000,
    maxEjectionPercent: 10,
    intervalMs: 10_000,
  },
};

const D = DEFAULT_GATEWAY_CONFIG;

const definition = {
  anyOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 }, args: { type: 'object' } },
    },
  ],
};

export const GATEWAY_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: D.enabled, description: 'run the gateway inside sluice start' },
    host: { type: 'string', minLength: 1, default: D.host, description: 'interface the gateway listens on' },
    port: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: D.port,
      description: 'gateway port; 0 picks a free one',
    },
    adminPort: {
      type: 'integer',
      minimum: -1,
      maximum: 65535,
      default: D.adminPort,
      description: 'admin port (/metrics, /api/gateway/routes|upstreams|breakers); -1: none, 0: a free one',
    },
    routes: {
      type: 'array',
      default: [],
      description: "routes in Spring Cloud Gateway's model",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['uri'],
        properties: {
          id: { type: 'string', minLength: 1 },
          uri: { type: 'string', minLength: 1 },
          predicates: { type: 'array', items: definition },
          filters: { type: 'array', items: definition },
          order: { type: 'integer' },
          metadata: { type: 'object' },
          enabled: { type: 'boolean' },
        },
      },
    },
    discoveryRoutes: {
      type: 'boolean',
      default: D.discoveryRoutes,
      description: 'a route /{service}/** for every registered service',
    },
    registryTopic: {
      type: 'string',
      pattern: '^[a-zA-Z0-9._-]{1,249}$',
      expected: 'a Kafka topic name',
      default: D.registryTopic,
      description: "the registry's events topic, followed for lb:// targets",
    },
    connectTimeoutMs: {
      unit: { kind: 'duration', min: 1 },
      default: D.connectTimeoutMs,
      description: 'connect timeout to upstreams (a route may set metadata connect-timeout)',
    },
    responseTimeoutMs: {
      unit: { kind: 'duration', min: 1 },
      default: D.responseTimeoutMs,
      description: 'time to the response headers (a route may set metadata response-timeout)',
    },
    maxHeaderBytes: {
      unit: { kind: 'size', min: 1024 },
      default: D.maxHeaderBytes,
      description: 'largest request head; larger is answered 431',
    },
    outlierDetection: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: "passive ejection of lb:// instances that fail in a row (Envoy's outlier detection)",
      properties: {
        consecutive5xx: {
          type: 'integer',
          minimum: 1,
          default: D.outlierDetection.consecutive5xx,
          description: '5xx answers or connection failures in a row that eject an instance',
        },
        baseEjectionTimeMs: {
          unit: { kind: 'duration', min: 1 },
          default: D.outlierDetection.baseEjectionTimeMs,
          description: 'ejection time, times the number of ejections so far',
        },
        maxEjectionTimeMs: {
          unit: { kind: 'duration', min: 1 },
          default: D.outlierDetection.maxEjectionTimeMs,
          description: 'longest ejection',
        },
        maxEjectionPercent: {
          type: 'integer',
          minimum: 0,
          maximum: 100,
          default: D.outlierDetection.maxEjectionPercent,
          description: "largest share of a service's instances ejected at once (one may always go)",
        },
        intervalMs: {
          unit: { kind: 'duration', min: 1 },
          default: D.outlierDetection.intervalMs,
          description: 'time back in service that lowers the ejection count by one',
        },
      },
    },
  },
};

/** The gateway's entry in the config room's list of sections. */
export const gatewayConfigSection = {
  name: 'gateway',
  schema: GATEWAY_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as GatewayConfig | undefined,
} as const;
