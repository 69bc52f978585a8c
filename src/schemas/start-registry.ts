// Starts the schema registry: the follower of `_schemas` (read to its end before the API answers),
// the registry over the state it builds, its metrics, health indicator and routes.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { FollowedTopic } from '../client/index.js';
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
  let log: FollowedTopic | undefined;
  let caughtUp = false;
  let closed = false;
  /** Why the last attempt to open the topic failed, until one succeeds. */
  let openError: unknown;

  // The registry answers only once it has read the topic to where it ended at start.
  const opening = (async () => {
    for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        const opened = await FollowedTopic.open({
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
        });
        if (closed) {
          await opened.close();
          throw new Error('closed');
        }
        log = opened;
        openError = undefined;
        const end = await opened.endOffset();
        if (end > 0n) await opened.waitFor(end - 1n);
        caughtUp = true;
        logger.info({ topic: config.topic, records: Number(end) }, 'schema registry caught up');
        return opened;
      } catch (error) {
        if (closed) throw error;
        openError = error;
        readErrors.error('schema-open', error, `opening ${config.topic} failed; retrying`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();
  opening.catch(() => {});

  const schemaLog = {
    append: async (key: Buffer, value: Buffer | undefined) => (await opening).append(key, value),
    waitFor: async (offset: bigint) => (await opening).waitFor(offset),
  };
  const metrics = registerRegistryMetrics(options.registry, state, () => caughtUp);
  const registry = new SchemaRegistry(state, schemaLog, config, {
    registered: () => metrics.registered.inc(),
  });

  options.health.add({
    name: 'schemaRegistry',
    async check() {
      const error = log?.lastError;
      const details = { topic: config.topic, caughtUp, position: Number(log?.position ?? 0n) };
      if (error !== undefined) return { status: 'DOWN', details: { ...details, error: String(error) } };
      if (openError !== undefined)
        return { status: 'DOWN', details: { ...details, error: String(openError) } };
      // Still reading `_schemas` for the first time: not a failure (readiness says it is not ready yet).
      return { status: caughtUp ? 'UP' : 'UNKNOWN', details };
    },
  });

  const whenCaughtUp = async () => {
    if (caughtUp) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(storeTimeout(`the registry has not finished reading ${config.topic} yet`)),
        CATCH_UP_WAIT_MS,
      );
    });
    try {
      await Promise.race([opening, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  options.app.register(async (scope) =>
    registerRegistryRoutes(scope, {
      registry,
      metrics,
      maxSchemaBytes: config.maxSchemaBytes,
      caughtUp: whenCaughtUp,
    }),
  );

  return {
    ready: () => caughtUp,
    caughtUp: opening.then(
      () => {},
      () => {},
    ),
    async close() {
      closed = true;
      await log?.close();
    },
  };
}
