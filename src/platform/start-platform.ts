import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Logger, pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type BrokerOptions, type RunningBroker, startBroker } from '../broker/index.js';
import { type LogMonitor, LogsConfigError, parseLogsConfig, startLogMonitor } from '../logs/index.js';
import {
  AlertConfigError,
  parseAlertConfig,
  registerAlertRoutes,
  registerLagRoutes,
  startAlertEvaluator,
  startLagMonitor,
} from '../metrics/index.js';
import { registerActuatorRoutes } from './actuator-routes.js';
import { ConfigFileError, type SluiceConfigFile } from './config-file.js';
import { diskSpaceIndicator } from './health/disk-space.js';
import { HealthRegistry } from './health/health.js';
import { kafkaIndicator } from './health/kafka-health.js';
import { createHttpApp, type ListeningHttp, listenHttp } from './http-server.js';

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
}

export interface RunningPlatform {
  readonly broker: RunningBroker;
  readonly http: ListeningHttp;
  readonly registry: Registry;
  readonly health: HealthRegistry;
  close(): Promise<void>;
}

/**
 * `sluice start`: the broker and the platform HTTP server in one process. Components reach the
 * broker through its Kafka address, as they would reach Apache Kafka.
 */
export async function startPlatform(
  options: PlatformOptions = {},
  logger?: Logger,
): Promise<RunningPlatform> {
  const log = logger ?? pino({ name: 'sluice', level: options.logLevel ?? 'info' }, pino.destination(2));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const dataDir = resolve(options.broker?.dataDir ?? './sluice-data');
  const broker = await startBroker(
    { ...options.broker, dataDir, metrics: registry },
    log.child({ component: 'broker' }),
  );
  let ready = false;
  const health = new HealthRegistry();
  // One probe serves /actuator/health and the alert evaluator's broker-down rule.
  const brokerProbe = kafkaIndicator(() => broker.bootstrap);
  health.add(brokerProbe);
  health.add(diskSpaceIndicator(dataDir));

  let url = '';
  let alerts: ReturnType<typeof startAlertEvaluator>;
  try {
    alerts = startAlertEvaluator({
      config: parseAlertConfig(options.config?.alerts),
      registry,
      logger: log.child({ component: 'alerts' }),
      brokerHealth: () =>
        brokerProbe.check().then(
          () => 'UP' as const,
          () => 'DOWN' as const,
        ),
      externalUrl: () => url,
    });
  } catch (err) {
    await broker.close();
    throw err instanceof AlertConfigError ? new ConfigFileError(err.message) : err;
  }

  const lag = await startLagMonitor({
    bootstrap: [broker.bootstrap],
    registry,
    logger: log.child({ component: 'lag' }),
  });
  let logs: LogMonitor | undefined;
  if (options.logs !== false) {
    try {
      logs = await startLogMonitor({
        bootstrap: [broker.bootstrap],
        config: parseLogsConfig(options.config?.logs),
        logger: log.child({ component: 'logs' }),
      });
    } catch (err) {
      await Promise.all([alerts.close(), lag.close()]);
      await broker.close();
      throw err instanceof LogsConfigError ? new ConfigFileError(err.message) : err;
    }
  }

  const app = createHttpApp(log);
  registerAlertRoutes(app, alerts);
  registerLagRoutes(app, lag);
  logs?.registerRoutes(app);
  registerActuatorRoutes(app, {
    health,
    registry,
    ready: () => ready,
    info: () => ({
      app: { name: 'sluice', version: packageVersion(), description: 'Sluice event-streaming platform' },
      kafka: { bootstrap: broker.bootstrap, clusterId: broker.clusterId },
    }),
  });
  let http: ListeningHttp;
  try {
    http = await listenHttp(app, options.httpHost ?? '127.0.0.1', options.httpPort ?? 8080);
  } catch (err) {
    await alerts.close();
    await lag.close();
    await logs?.close();
    await broker.close();
    throw err;
  }
  url = http.url;
  ready = true;
  log.info({ url: http.url, kafka: broker.bootstrap }, 'platform started');

  let closing: Promise<void> | undefined;
  return {
    broker,
    http,
    registry,
    health,
    close() {
      closing ??= (async () => {
        ready = false;
        await app.close();
        await alerts.close();
        await lag.close();
        await logs?.close();
        await broker.close();
      })();
      return closing;
    },
  };
}

function packageVersion(): string {
  try {
    const pkg = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
