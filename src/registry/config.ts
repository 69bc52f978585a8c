// The service registry's section of Sluice's config file (`registry:`): its JSON Schema, validated
// by the config room, and the settings it resolves to. The defaults are Eureka server's.

export interface RegistryConfig {
  /** Serve the Eureka REST API (/eureka/apps, /eureka/v2/apps) on the platform's HTTP server. */
  enabled: boolean;
  /** The compacted topic every change is written to and the state is rebuilt from. */
  topic: string;
  /** Lease length for an instance whose registration names none (leaseInfo.durationInSecs). */
  leaseDurationMs: number;
  /** How often clients are expected to renew (Eureka's expectedClientRenewalIntervalSeconds). */
  renewalIntervalMs: number;
  /** How often expired leases are evicted (evictionIntervalTimerInMs). */
  evictionIntervalMs: number;
  /** Stop evicting while renewals fall below the threshold (enableSelfPreservation). */
  selfPreservation: boolean;
  /** Share of expected renewals below which self-preservation holds evictions (0.85). */
  renewalPercentThreshold: number;
  /** How often the expected number of renewing clients is recounted (renewalThresholdUpdateIntervalMs). */
  renewalThresholdUpdateIntervalMs: number;
  /** How far back /apps/delta reaches (retentionTimeInMSInDeltaQueue). */
  deltaRetentionMs: number;
  /** Serve reads from a copy refreshed on a timer, as Eureka's read-only cache (useReadOnlyResponseCache). */
  useReadOnlyCache: boolean;
  /** How often the read-only copy is refreshed: the bound on how stale a read can be. */
  cacheUpdateIntervalMs: number;
  /** Largest request body accepted (a registration with its metadata). */
  maxBodyBytes: number;
  /**
   * How long events stay on the topic (its retention.ms). Every live instance is written again
   * (a `snapshot` event) at start and every quarter of this (at least daily), so its latest event is kept.
   */
  eventRetentionMs: number;
}

export const DEFAULT_REGISTRY_CONFIG: RegistryConfig = {
  enabled: true,
  topic: 'sluice-registry-events',
  leaseDurationMs: 90_000,
  renewalIntervalMs: 30_000,
  evictionIntervalMs: 60_000,
  selfPreservation: true,
  renewalPercentThreshold: 0.85,
  renewalThresholdUpdateIntervalMs: 15 * 60_000,
  deltaRetentionMs: 180_000,
  useReadOnlyCache: true,
  cacheUpdateIntervalMs: 30_000,
  maxBodyBytes: 256 * 1024,
  eventRetentionMs: 7 * 24 * 3_600_000,
};

const duration = (min: number, value: number, description: string) => ({
  unit: { kind: 'duration', min },
  default: value,
  description,
});

const D = DEFAULT_REGISTRY_CONFIG;

export const REGISTRY_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: D.enabled, description: 'serve the Eureka-compatible registry' },
    topic: {
      type: 'string',
      pattern: '^[a-zA-Z0-9._-]{1,249}$',
      expected: 'a Kafka topic name',
      default: D.topic,
      description: 'the compacted topic registry events are written to',
    },
    leaseDurationMs: duration(1000, D.leaseDurationMs, 'lease length when a registration names none'),
    renewalIntervalMs: duration(1000, D.renewalIntervalMs, 'how often clients are expected to renew'),
    evictionIntervalMs: duration(100, D.evictionIntervalMs, 'how often expired leases are evicted'),
    selfPreservation: {
      type: 'boolean',
      default: D.selfPreservation,
      description: 'hold evictions while renewals fall below the threshold',
    },
    renewalPercentThreshold: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: D.renewalPercentThreshold,
      description: 'share of expected renewals below which self-preservation holds evictions',
    },
    renewalThresholdUpdateIntervalMs: duration(
      1000,
      D.renewalThresholdUpdateIntervalMs,
      'how often the expected renewals are recounted',
    ),
    deltaRetentionMs: duration(1000, D.deltaRetentionMs, 'how far back /apps/delta reaches'),
    useReadOnlyCache: {
      type: 'boolean',
      default: D.useReadOnlyCache,
      description: 'serve reads from a copy refreshed every cacheUpdateIntervalMs',
    },
    cacheUpdateIntervalMs: duration(
      100,
      D.cacheUpdateIntervalMs,
      'how often the read-only cache is refreshed',
    ),
    maxBodyBytes: {
      unit: { kind: 'size', min: 1024 },
      default: D.maxBodyBytes,
      description: 'largest request body accepted',
    },
    eventRetentionMs: duration(
      3_600_000,
      D.eventRetentionMs,
      'how long events stay on the topic; live instances are written again every quarter of it',
    ),
  },
};

/** The registry's entry in the config room's list of sections. */
export const registryConfigSection = {
  name: 'registry',
  schema: REGISTRY_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as RegistryConfig | undefined,
} as const;
