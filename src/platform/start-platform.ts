import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Logger, pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type BrokerOptions, type RunningBroker, startBroker } from '../broker/index.js';
import { resolveConfig } from '../config/index.js';
import { COMPONENT_SECTIONS } from './components.js';
import type { ListeningHttp } from './http-server.js';
import { type LogFormat, logDestination } from './log-format.js';
import type { PlatformConfig } from './worker/platform-components.js';
import { PlatformSupervisor } from './worker/platform-supervisor.js';
import { lowerGcHelperThreads, type ThreadPriority } from './worker/thread-priority.js';

export interface PlatformOptions {
  /** Options of the embedded broker (data dir, Kafka port, ...). */
  broker?: Omit<BrokerOptions, 'metrics'>;
  /** Interface of the platform HTTP server. Default 127.0.0.1. */
  httpHost?: string;
  /** Platform HTTP port; 0 picks a free one. Default 8080. */
  httpPort?: number;
  /**
   * The components' sections (alerts, logs, ...), validated (src/config's resolveConfig gives them
   * from a file); a missing section keeps its defaults.
   */
  config?: PlatformConfig;
  logLevel?: string;
  /** How log lines look on stderr: pino's JSON (default) or one readable line each. */
  logFormat?: LogFormat;
  /** Run the log monitor (Loki API, live tail). Default true; `sluice broker --http-port` turns it off. */
  logs?: boolean;
  /** Heap limit of the platform thread in MiB (default 256): past it, that thread restarts, not the broker. */
  platformHeapMb?: number;
  /**
   * Priority of the platform thread (Linux): 'idle' (default) is SCHED_IDLE, so the broker's
   * thread preempts it at once (nice 19 where chrt is missing); a number is a nice value, 0
   * leaves it as the broker's.
   */
  platformPriority?: ThreadPriority;
  /** Share of one core the platform's HTTP requests may keep busy (default 0.5; 1: no limit). */
  platformMaxCpu?: number;
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
  const log =
    logger ??
    pino({ name: 'sluice', level: options.logLevel ?? 'info' }, logDestination(options.logFormat ?? 'json'));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const dataDir = resolve(options.broker?.dataDir ?? './sluice-data');
  const supervisor = new PlatformSupervisor({
    registry,
    logger: log.child({ component: 'platform' }),
    heapMb: options.platformHeapMb,
  });
  let broker: RunningBroker;
  try {
    broker = await startBroker(
      { ...options.broker, dataDir, metrics: registry },
      log.child({ component: 'broker' }),
    );
  } catch (err) {
    await supervisor.close();
    throw err;
  }
  const priority = options.platformPriority ?? 'idle';
  try {
    await supervisor.start({
      bootstrap: broker.bootstrap,
      clusterId: broker.clusterId,
      dataDir,
      httpHost: options.httpHost ?? '127.0.0.1',
      httpPort: options.httpPort ?? 8080,
      config: componentConfig(options.config),
      disabled: options.logs === false ? ['logs'] : [],
      logLevel: log.level,
      logFormat: options.logFormat ?? 'json',
      version: packageVersion(),
      priority,
      maxCpu: options.platformMaxCpu ?? 0.5,
    });
  } catch (err) {
    await supervisor.close();
    await broker.close();
    throw err;
  }
  if (priority !== 0)
    log.debug({ priority: await lowerGcHelperThreads(priority) }, 'garbage collection helper threads');
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

/** Every component's section: the given ones, and the defaults of the config room for the rest. */
function componentConfig(given: PlatformConfig = {}): Record<string, unknown> {
  const defaults: Record<string, unknown> = resolveConfig({ file: {} }).config;
  const sections: Record<string, unknown> = {};
  for (const { name } of COMPONENT_SECTIONS)
    sections[name] = (given as Record<string, unknown>)[name] ?? defaults[name];
  return sections;
}

function packageVersion(): string {
  try {
    const pkg = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
