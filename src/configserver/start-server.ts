// Starts the config server: the follower of the values topic (read to its end before the API
// answers), the store over the state it builds, the cipher from ENCRYPT_KEY, its metrics, health
// indicator and routes.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { openCaughtUp } from '../client/index.js';
import { RateLimitedLog, SluiceError } from '../errors/index.js';
import type { HealthRegistry } from '../platform/index.js';
import { busId } from './bus.js';
import { TextCipher } from './cipher.js';
import type { ConfigServerConfig } from './config.js';
import { ConfigState } from './config-state.js';
import { ConfigStore, type StoreLog } from './config-store.js';
import { registerConfigMetrics } from './metrics.js';
import { decodeAddress, decodeValue } from './records.js';
import { registerServerRoutes } from './server-routes.js';
import { ConfigLog } from './topic-log.js';

/** A request waits at most this long for the server's first read of its values topic. */
const CATCH_UP_WAIT_MS = 30_000;

export interface StartConfigServerOptions {
  bootstrap: string;
  config: ConfigServerConfig;
  logger: Logger;
  registry: Registry;
  health: HealthRegistry;
  /** Routes are registered on it (as a plugin) before it listens. */
  app: FastifyInstance;
  /** Where ENCRYPT_KEY and ENCRYPT_SALT are read. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The HTTP port once listening, for this server's bus id (`sluice-config-server:sluice:PORT:random`). */
  port?: () => number | string;
}

export interface RunningConfigServer {
  ready(): boolean;
  /** Resolves once the values topic was read to where it ended at start (never rejects). */
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export function startConfigServer(options: StartConfigServerOptions): RunningConfigServer {
  const { config, logger } = options;
  const cipher = TextCipher.fromEnv(options.env ?? process.env);
  const state = new ConfigState();
  const readErrors = new RateLimitedLog(logger, 30_000);
  let origin: string | undefined;

  const log = openCaughtUp(
    () =>
      ConfigLog.open({
        bootstrap: options.bootstrap.split(','),
        topic: config.topic,
        historyTopic: config.historyTopic,
        historyRetentionMs: config.historyRetentionMs,
        busTopic: config.busTopic,
        onRecord: ({ offset, key, value }) => {
          const address = decodeAddress(key);
          // A record someone else wrote that is not ours is skipped, never taken for a removal.
          const stored = value === null ? undefined : decodeValue(value);
          if (address === undefined || (value !== null && stored === undefined)) {
            readErrors.error(
              'config-record',
              new Error(`offset ${offset}`),
              `skipped a record of ${config.topic} that is not a config value`,
            );
            return;
          }
          state.apply(Number(offset), address, stored);
        },
        onReadError: (error) => readErrors.error('config-read', error, `reading ${config.topic} failed`),
      }),
    {
      onOpenError: (error) =>
        readErrors.error('config-open', error, `opening ${config.topic} failed; retrying`),
      // Counts only: values (and secrets) never go to the log.
      onCaughtUp: () =>
        logger.info(
          { topic: config.topic, properties: state.size, encryption: cipher !== undefined },
          'config server caught up',
        ),
    },
  );
  const opening = log.opened;

  const whenCaughtUp = () =>
    log.whenCaughtUp(
      CATCH_UP_WAIT_MS,
      () => new SluiceError('UNAVAILABLE', `the config server has not finished reading ${config.topic} yet`),
    );

  const storeLog: StoreLog = {
    append: async (key, value) => (await opening).append(key, value),
    appendHistory: async (key, value) => (await opening).appendHistory(key, value),
    waitFor: async (offset) => (await opening).waitFor(offset),
    publish: async (value, headers) => (await opening).publish(value, headers),
    readHistory: async () => (await opening).readHistory(),
  };
  const metrics = registerConfigMetrics(options.registry, state, log.caughtUp);
  const store = new ConfigStore({
    state,
    log: storeLog,
    cipher,
    maxValueBytes: config.maxValueBytes,
    origin: () => (origin ??= busId('sluice-config-server', 'sluice', options.port?.() || 0)),
    hooks: {
      changed: (operation) => metrics.changes.inc({ operation }),
      published: () => metrics.busEvents.inc(),
    },
  });

  options.health.add({
    name: 'configServer',
    async check() {
      const details = {
        topic: config.topic,
        caughtUp: log.caughtUp(),
        properties: state.size,
        encryption: cipher === undefined ? 'off' : 'on',
      };
      const error = log.current()?.lastError ?? log.openError();
      if (error !== undefined) return { status: 'DOWN', details: { ...details, error: String(error) } };
      return { status: log.caughtUp() ? 'UP' : 'UNKNOWN', details };
    },
  });

  options.app.register(async (scope) =>
    registerServerRoutes(scope, {
      prefix: config.prefix,
      defaultLabel: config.defaultLabel,
      state,
      cipher,
      metrics,
      store,
      token: config.token,
      monitorSecret: config.monitorSecret,
      maxValueBytes: config.maxValueBytes,
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
