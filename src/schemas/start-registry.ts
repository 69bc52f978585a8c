// Starts the schema registry: the follower of `_schemas` (read to its end before the API answers),
// the registry over the state it builds, its metrics, health indicator and routes.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { FollowedTopic, openCaughtUp } from '../client/index.js';
import { RateLimitedLog } from '../errors/index.js';
import type { HealthRegistry } from '../platform/index.js';
import type { SchemasConfig } from './config.js';
import { storeTimeout } from './errors.js';
import { decodeRecord } from './records.js';
import { registerRegistryMetrics } from './registry-metrics.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { RegistryState } from './registry-state.js';
import { SchemaRegistry } from './schema-registry.js';

/** The registry's only contact with Kafka: the `_schemas` topic, written and followed. */
const CLIENT_ID = 'sluice-schema-registry';

/** A request waits at most this long for the registry's first read of `_schemas`. */
const CATCH_UP_WAIT_MS = 30_000;

export interface StartRegistryOptions {
  bootstrap: string;
  config: SchemasConfig;
  logger: Logger;
  registry: Registry;
  health: HealthRegistry;
  app: FastifyInstance;
}

export interface RunningRegistry {
  ready(): boolean;
  /** Resolves once `_schemas` was read to where it ended at start (never rejects). */
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export function startSchemaRegistry(options: StartRegistryOptions): RunningRegistry {
  const { config, logger } = options;
  const state = new RegistryState();
  const readErrors = new RateLimitedLog(logger, 30_000);
  // The registry answers only once it has read the topic to where it ended at start.
  const log = openCaughtUp(
    () =>
      FollowedTopic.open({
        bootstrap: [options.bootstrap],
        topic: config.topic,
        clientId: CLIENT_ID,
        // One partition, compacted, kept forever: what Confluent creates (`kafkastore.topic`).
        configs: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
        onRecord: ({ key, value }) => {
          const record = decodeRecord(key, value);
          if (record !== undefined) state.apply(record);
        },
        onReadError: (error) => readErrors.error('schema-read', error, `reading ${config.topic} failed`),
      }),
    {
      onOpenError: (error) =>
        readErrors.error('schema-open', error, `opening ${config.topic} failed; retrying`),
      onCaughtUp: (end) =>
        logger.info({ topic: config.topic, records: Number(end) }, 'schema registry caught up'),
    },
  );
  const opening = log.opened;

  const schemaLog = {
    append: async (key: Buffer, value: Buffer | undefined) => (await opening).append(key, value),
    waitFor: async (offset: bigint) => (await opening).waitFor(offset),
  };
  const metrics = registerRegistryMetrics(options.registry, state, log.caughtUp);
  const registry = new SchemaRegistry(state, schemaLog, config, {
    registered: () => metrics.registered.inc(),
  });

  options.health.add({
    name: 'schemaRegistry',
    async check() {
      const caughtUp = log.caughtUp();
      const error = log.current()?.lastError ?? log.openError();
      const details = { topic: config.topic, caughtUp, position: Number(log.current()?.position ?? 0n) };
      if (error !== undefined) return { status: 'DOWN', details: { ...details, error: String(error) } };
      // Still reading `_schemas` for the first time: not a failure (readiness says it is not ready yet).
      return { status: caughtUp ? 'UP' : 'UNKNOWN', details };
    },
  });

  const whenCaughtUp = () =>
    log.whenCaughtUp(CATCH_UP_WAIT_MS, () =>
      storeTimeout(`the registry has not finished reading ${config.topic} yet`),
    );

  options.app.register(async (scope) =>
    registerRegistryRoutes(scope, {
      registry,
      metrics,
      maxSchemaBytes: config.maxSchemaBytes,
      caughtUp: whenCaughtUp,
    }),
  );

  return {
    ready: log.caughtUp,
    caughtUp: opening.then(
      () => {},
      () => {},
    ),
    close: () => log.close(),
  };
}
