// Starts the service registry: rebuilds its state from the events topic (the API waits for that),
// then runs its timers and serves Eureka's API under /eureka and /eureka/v2 on the given server,
// with its metrics and health indicator. Every change goes to the events topic as it happens.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Clock, type ClockTimer, every, systemClock } from '../clock/index.js';
import { RateLimitedLog } from '../errors/index.js';
import type { HealthRegistry } from '../platform/index.js';
import type { RegistryConfig } from './config.js';
import { EurekaError } from './errors.js';
import { registerEurekaRoutes } from './eureka-routes.js';
import { EventLog } from './event-log.js';
import { type DecodedEvent, decodeEvent, encodeEvent, eventKey } from './events.js';
import { InstanceRegistry } from './instance-registry.js';
import { registerRegistryMetrics } from './metrics.js';
import { Payloads } from './payloads.js';
import { ResponseCache } from './response-cache.js';

/** A request waits at most this long for the rebuild from the events topic. */
const REBUILD_WAIT_MS = 30_000;
export const EUREKA_PREFIXES = ['/eureka', '/eureka/v2'] as const;

/** Live instances are written again every quarter of the retention, at least daily. */
const snapshotIntervalMs = (retentionMs: number) => Math.min(Math.floor(retentionMs / 4), 86_400_000);

export interface StartRegistryOptions {
  bootstrap: string;
  config: RegistryConfig;
  logger: Logger;
  /** Where the registry's metrics go. */
  registry: Registry;
  health: HealthRegistry;
  /** The HTTP server, not listening yet. */
  app: FastifyInstance;
  /** Time for leases, eviction, the delta window and the cache (tests pass a manual one). */
  clock?: Clock;
}

export interface RunningRegistry {
  /** Whether the state was rebuilt and the API answers. */
  ready(): boolean;
  /** Resolves once the state was rebuilt from the events topic (never rejects). */
  readonly rebuilt: Promise<void>;
  /** The registry's state and rules (read-only use: tests and benchmarks look). */
  readonly instances: InstanceRegistry;
  /** Resolves once every change so far is written to the events topic. */
  eventsWritten(): Promise<void>;
  close(): Promise<void>;
}

export function startServiceRegistry(options: StartRegistryOptions): RunningRegistry {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const logErrors = new RateLimitedLog(logger, 30_000);
  let log: EventLog | undefined;
  let rebuilt = false;
  let closed = false;
  let openError: unknown;
  let snapshots: ClockTimer | undefined;
  const writeSnapshot = () => {
    for (const change of instances.snapshot())
      log?.append(eventKey(change.instance.app, change.instance.instanceId), encodeEvent(change));
  };

  const instances = new InstanceRegistry(config, clock, {
    onChange(change) {
      const key = eventKey(change.instance.app, change.instance.instanceId);
      log?.append(key, encodeEvent(change));
      if (change.action === 'DELETED') log?.append(key, undefined);
      if (change.reason === 'evicted') {
        metrics.evictions.inc();
        logger.info(
          { app: change.instance.app, instanceId: change.instance.instanceId },
          'registry evicted an instance',
        );
      } else if (change.reason === 'cancelled') metrics.cancellations.inc();
    },
  });
  const payloads = new Payloads(instances);
  const cache = new ResponseCache(
    clock,
    {
      useReadOnly: config.useReadOnlyCache,
      updateIntervalMs: config.cacheUpdateIntervalMs,
      expireMs: config.deltaRetentionMs,
    },
    payloads.generate,
    () => instances.generation,
  );
  const metrics = registerRegistryMetrics(options.registry, instances, () => ({
    pending: log?.pending ?? 0,
    dropped: log?.dropped ?? 0,
  }));

  const opening = (async () => {
    for (let delay = 200; !closed; delay = Math.min(delay * 2, 5_000)) {
      try {
        const opened = await EventLog.open({
          bootstrap: options.bootstrap.split(','),
          topic: config.topic,
          retentionMs: config.eventRetentionMs,
          onWriteError: (error) =>
            logErrors.error('registry-write', error, `writing to ${config.topic} failed; retrying`),
        });
        const latest = new Map<string, DecodedEvent | undefined>();
        const records = await opened
          .readAll((key, value) => {
            if (key === null) return;
            const k = key.toString('utf8');
            if (value === null) latest.set(k, undefined);
            else {
              const event = decodeEvent(value, clock.now());
              if (event === undefined)
                logger.warn({ key: k }, `skipping a record of ${config.topic} that is not a registry event`);
              else latest.set(k, event);
            }
          })
          .catch(async (error: unknown) => {
            await opened.close(0);
            throw error;
          });
        if (closed) {
          await opened.close(0);
          return;
        }
        for (const event of latest.values())
          if (event?.restored) instances.restore(event.restored.instance, event.restored.lease, event.action);
        log = opened;
        openError = undefined;
        // What was read back is written again at once, so retention cannot take it before the next snapshot.
        writeSnapshot();
        snapshots = every(clock, snapshotIntervalMs(config.eventRetentionMs), writeSnapshot);
        instances.start();
        cache.start();
        rebuilt = true;
        logger.info(
          { topic: config.topic, records, instances: instances.size },
          'service registry rebuilt its state',
        );
        return;
      } catch (error) {
        if (closed) return;
        openError = error;
        logErrors.error('registry-open', error, `opening ${config.topic} failed; retrying`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();

  options.health.add({
    name: 'serviceRegistry',
    async check() {
      const details = {
        topic: config.topic,
        rebuilt,
        instances: instances.size,
        selfPreservation: instances.selfPreservationActive,
        eventsPending: log?.pending ?? 0,
      };
      const error = log?.lastError ?? openError;
      if (error !== undefined) return { status: 'DOWN', details: { ...details, error: String(error) } };
      return { status: rebuilt ? 'UP' : 'UNKNOWN', details };
    },
  });

  const ready = async () => {
    if (rebuilt) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EurekaError(503, `The registry has not finished reading ${config.topic} yet`)),
        REBUILD_WAIT_MS,
      );
    });
    try {
      await Promise.race([opening, timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (!rebuilt) throw new EurekaError(503, 'The registry is closing');
  };

  for (const prefix of EUREKA_PREFIXES)
    options.app.register(
      async (scope) =>
        registerEurekaRoutes(scope, {
          registry: instances,
          cache,
          metrics,
          clock,
          maxBodyBytes: config.maxBodyBytes,
          ready,
        }),
      { prefix },
    );

  return {
    ready: () => rebuilt && !closed,
    rebuilt: opening,
    instances,
    eventsWritten: async () => log?.flushed(),
    async close() {
      closed = true;
      snapshots?.cancel();
      instances.stop();
      cache.stop();
      await opening;
      await log?.close();
    },
  };
}
