// The schema registry's section of Sluice's config file (`schemas:`): its JSON Schema, validated by
// the config room, and the settings it resolves to.

export interface SchemasConfig {
  /** Serve the Confluent Schema Registry API on the platform's HTTP server. Default true. */
  enabled: boolean;
  /** The compacted topic schemas are stored in (Confluent's `kafkastore.topic`). */
  topic: string;
  /** The largest schema text accepted, in bytes (larger: 422 with error code 42209). */
  maxSchemaBytes: number;
}

export const DEFAULT_SCHEMAS_CONFIG: SchemasConfig = {
  enabled: true,
  topic: '_schemas',
  maxSchemaBytes: 1024 * 1024,
};

export const SCHEMAS_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: DEFAULT_SCHEMAS_CONFIG.enabled, description: 'serve the registry' },
    topic: {
      type: 'string',
      pattern: '^[a-zA-Z0-9._-]{1,249}$',
      expected: 'a Kafka topic name',
      default: DEFAULT_SCHEMAS_CONFIG.topic,
      description: 'the compacted topic schemas are stored in',
    },
    maxSchemaBytes: {
      unit: { kind: 'size', min: 1 },
      default: DEFAULT_SCHEMAS_CONFIG.maxSchemaBytes,
      description: 'largest schema text accepted',
    },
  },
};

/** The registry's entry in the config room's list of sections. */
export const schemasConfigSection = {
  name: 'schemas',
  schema: SCHEMAS_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as SchemasConfig | undefined,
} as const;
