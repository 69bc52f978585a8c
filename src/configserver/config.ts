// The config server's section of Sluice's config file (`configServer:`): its JSON Schema, validated
// by the config room, and the settings it resolves to.

export interface ConfigServerConfig {
  /** Serve the Spring Cloud Config Server API on the platform's HTTP server. Default true. */
  enabled: boolean;
  /** Where the Spring API is served on the platform's server (Spring's `spring.cloud.config.server.prefix`). */
  prefix: string;
  /** The compacted topic holding the current values, keyed by (application, profile, label, key). */
  topic: string;
  /** The topic holding every change in order (not compacted), for `sluice config history`. */
  historyTopic: string;
  /** How long changes are kept in the history topic, in ms; -1 keeps them forever. */
  historyRetentionMs: number;
  /** Spring Cloud Bus's topic (`spring.cloud.bus.destination`). */
  busTopic: string;
  /** The label served when a client names none (Spring's `default-label`). */
  defaultLabel: string;
  /** The largest value accepted, in bytes. */
  maxValueBytes: number;
  /** When set, every request but /monitor must carry it in `X-Config-Token` (401 otherwise). */
  token: string;
  /** The shared secret of git webhooks; /monitor answers 403 to any request not signed with it. */
  monitorSecret: string;
}

export const DEFAULT_CONFIG_SERVER_CONFIG: ConfigServerConfig = {
  enabled: true,
  prefix: '/config',
  topic: 'sluice-config',
  historyTopic: 'sluice-config-history',
  historyRetentionMs: -1,
  busTopic: 'springCloudBus',
  defaultLabel: 'main',
  maxValueBytes: 64 * 1024,
  token: '',
  monitorSecret: '',
};

const TOPIC = { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$', expected: 'a Kafka topic name' };

export const CONFIG_SERVER_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: {
      type: 'boolean',
      default: DEFAULT_CONFIG_SERVER_CONFIG.enabled,
      description: 'serve the Spring Cloud Config API',
    },
    prefix: {
      type: 'string',
      pattern: '^(/[a-zA-Z0-9._-]+)*$',
      expected: "a path such as '/config' ('' for the root)",
      default: DEFAULT_CONFIG_SERVER_CONFIG.prefix,
      description: 'path the Spring API is served under',
    },
    topic: {
      ...TOPIC,
      default: DEFAULT_CONFIG_SERVER_CONFIG.topic,
      description: 'compacted topic of values',
    },
    historyTopic: {
      ...TOPIC,
      default: DEFAULT_CONFIG_SERVER_CONFIG.historyTopic,
      description: 'topic of every change (history)',
    },
    historyRetentionMs: {
      unit: { kind: 'duration', min: 1, noLimit: true },
      default: DEFAULT_CONFIG_SERVER_CONFIG.historyRetentionMs,
      description: 'how long the history is kept (-1: forever)',
    },
    busTopic: {
      ...TOPIC,
      default: DEFAULT_CONFIG_SERVER_CONFIG.busTopic,
      description: "Spring Cloud Bus's topic",
    },
    defaultLabel: {
      type: 'string',
      pattern: '^[a-zA-Z0-9._/-]{1,128}$',
      expected: 'a label such as main',
      default: DEFAULT_CONFIG_SERVER_CONFIG.defaultLabel,
      description: 'label served when a client names none',
    },
    maxValueBytes: {
      unit: { kind: 'size', min: 1 },
      default: DEFAULT_CONFIG_SERVER_CONFIG.maxValueBytes,
      description: 'largest value accepted',
    },
    token: {
      type: 'string',
      default: DEFAULT_CONFIG_SERVER_CONFIG.token,
      // Never printed (--check-config masks it).
      writeOnly: true,
      description: 'X-Config-Token every request must carry (empty: none)',
    },
    monitorSecret: {
      type: 'string',
      default: DEFAULT_CONFIG_SERVER_CONFIG.monitorSecret,
      writeOnly: true,
      description: 'secret git webhooks sign /monitor requests with (empty: /monitor refuses all)',
    },
  },
};

/** The config server's entry in the config room's list of sections. */
export const configServerConfigSection = {
  name: 'configServer',
  schema: CONFIG_SERVER_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as ConfigServerConfig | undefined,
} as const;
