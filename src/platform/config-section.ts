// The platform's two sections of Sluice's config file: `http:` (the platform HTTP server) and
// `platform:` (the platform thread's limits). Validated by the config room.

/** The `http:` section once validated. */
export interface HttpSection {
  host: string;
  port: number;
}

/** The `platform:` section once validated. */
export interface PlatformSection {
  heapMb: number;
  priority: 'idle' | number;
  maxCpu: number;
}

export const HTTP_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: {
      type: 'string',
      minLength: 1,
      default: '127.0.0.1',
      description: 'interface the HTTP server binds',
    },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: '0 picks a free one' },
  },
} as const;

export const PLATFORM_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    heapMb: {
      type: 'integer',
      minimum: 32,
      maximum: 1_048_576,
      default: 256,
      description: 'heap limit of the platform thread (MiB); past it that thread restarts, not the broker',
    },
    priority: {
      anyOf: [{ const: 'idle' }, { type: 'integer', minimum: -20, maximum: 19 }],
      default: 'idle',
      expected: "'idle' or a nice value from -20 to 19",
      description:
        "the platform thread's and GC helper threads' priority (Linux): idle is SCHED_IDLE, a number a nice value, 0 the broker's",
    },
    maxCpu: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.5,
      expected: 'a share of one core above 0 and at most 1',
      description: "share of one core the platform's HTTP requests may keep busy; 1: no limit",
    },
  },
} as const;

/** The HTTP server's entry in the config room's list of sections. */
export const httpConfigSection = {
  name: 'http',
  schema: HTTP_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as HttpSection | undefined,
} as const;

/** The platform thread's entry in the config room's list of sections. */
export const platformConfigSection = {
  name: 'platform',
  schema: PLATFORM_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as PlatformSection | undefined,
} as const;
