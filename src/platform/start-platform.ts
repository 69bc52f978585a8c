import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Logger, pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type BrokerOptions, type RunningBroker, startBroker } from '../broker/index.js';
import { LogsConfigError, parseLogsConfig } from '../logs/index.js';
import { AlertConfigError, parseAlertConfig } from '../metrics/index.js';
import { ConfigFileError, type SluiceConfigFile } from './config-file.js';
import type { ListeningHttp } from './http-server.js';
import { PlatformStartError, PlatformSupervisor } from './worker/platform-supervisor.js';

export interface PlatformOptions {
  /** Options of the embedded broker (data dir, Kafka port, ...). */
  broker?: Omit<BrokerOptions, 'metrics'>;
  /** Interface of the platform HTTP server. Default 127.0.0.1. */
  httpHost?: string;
  /** Platform HTTP port; 0 picks a free one. Default 8080. */
  httpPort?: number;
  /** Contents of the config file, if one was given. */
  config?: SluiceConfigFile;
  logLevel?: string;
  /** Run the log monitor (Loki API, live tail). Default true; `sluice broker --http-port` turns it off. */
  logs?: boolean;
  /** Heap limit of the platform thread in MiB (default 256): past it, that thread restarts, not the broker. */
  platformHeapMb?: number;
}

export interface RunningPlatform {
  readonly broker: RunningBroker;
  readonly http: Omit<ListeningHttp, 'app'>;
  /** The platform thread's supervisor (its thread id changes when it restarts). */
  readonly supervisor: PlatformSupervisor;
  close(): Promise<void>;
}

/**
 * `sluice start`: the broker on this thread, and the platform (HTTP server, health, metrics
 * exposition, lag, alerts, logs) on a worker thread of its own, so nothing sent to the platform
 * can stall Kafka and a platform failure restarts the platform, not the broker. Components reach
 * the broker through its Kafka address, as they would reach Apache Kafka.
 */
export async function startPlatform(
  options: PlatformOptions = {},
  logger?: Logger,
): Promise<RunningPlatform> {
  const log = logger ?? pino({ name: 'sluice', level: options.logLevel ?? 'info' }, pino.destination(2));
  validateConfig(options.config);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const dataDir = resolve(options.broker?.dataDir ?? './sluice-data');
  const broker = await startBroker(
    { ...options.broker, dataDir, metrics: registry },
    log.child({ component: 'broker' }),
  );
  let supervisor: PlatformSupervisor;
  try {
    supervisor = await PlatformSupervisor.start({
      settings: {
        bootstrap: broker.bootstrap,
        clusterId: broker.clusterId,
        dataDir,
        httpHost: options.httpHost ?? '127.0.0.1',
        httpPort: options.httpPort ?? 8080,
        config: options.config,
        logs: options.logs !== false,
        logLevel: log.level,
        version: packageVersion(),
      },
      registry,
      logger: log.child({ component: 'platform' }),
      heapMb: options.platformHeapMb,
    });
  } catch (err) {
    await broker.close();
    throw err instanceof PlatformStartError && /ConfigError$/.test(err.errorName)
      ? new ConfigFileError(err.message)
      : err;
  }
  const host = options.httpHost ?? '127.0.0.1';
  log.info({ url: supervisor.url, kafka: broker.bootstrap }, 'platform started');

  let closing: Promise<void> | undefined;
  return {
    broker,
    http: { host, port: supervisor.port, url: supervisor.url },
    supervisor,
    close() {
      closing ??= (async () => {
        await supervisor.close();
        await broker.close();
      })();
      return closing;
    },
  };
}

/** The sections the platform thread will parse, checked here first: a bad file starts nothing. */
function validateConfig(config: SluiceConfigFile | undefined): void {
  try {
    parseAlertConfig(config?.alerts);
    parseLogsConfig(config?.logs);
  } catch (err) {
    if (err instanceof AlertConfigError || err instanceof LogsConfigError)
      throw new ConfigFileError(err.message);
    throw err;
  }
}

function packageVersion(): string {
  try {
    const pkg = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
