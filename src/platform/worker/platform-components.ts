// The platform's components and its HTTP server, as the platform thread runs them: they reach the
// broker only through its Kafka address, as they would reach Apache Kafka.

import { getHeapStatistics } from 'node:v8';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type LogMonitor, type LogsSection, logsConfigFrom, startLogMonitor } from '../../logs/index.js';
import {
  type AlertConfig,
  defaultAlertConfig,
  registerAlertRoutes,
  registerLagRoutes,
  startAlertEvaluator,
  startLagMonitor,
} from '../../metrics/index.js';
import { registerActuatorRoutes } from '../actuator-routes.js';
import { diskSpaceIndicator } from '../health/disk-space.js';
import { HealthRegistry } from '../health/health.js';
import { kafkaIndicator } from '../health/kafka-health.js';
import { createHttpApp, listenHttp } from '../http-server.js';
import { registerIndexPage } from '../index-page.js';
import type { LogFormat } from '../log-format.js';
import { CpuGovernor } from './cpu-governor.js';
import type { ThreadPriority } from './thread-priority.js';

/** The config sections the platform thread's components read, validated; missing ones are defaults. */
export interface PlatformConfig {
  alerts?: AlertConfig;
  logs?: Partial<LogsSection>;
}

/** What the platform thread is told about the broker and its own settings (structured-clonable). */
export interface PlatformSettings {
  bootstrap: string;
  clusterId: string;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  config?: PlatformConfig;
  /** Run the log monitor (Loki API, live tail). */
  logs: boolean;
  logLevel: string;
  logFormat?: LogFormat;
  version: string;
  /** Priority of the platform thread (Linux): below the broker's, so the broker wins a busy core. */
  priority: ThreadPriority;
  /** Share of one core the platform's requests may keep busy (0–1; 1: no limit). */
  maxCpu: number;
}

export interface RunningComponents {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts alerts, lag, logs, health and the HTTP server; undoes what started if a later part fails. */
export async function startPlatformComponents(
  settings: PlatformSettings,
  registry: Registry,
  log: Logger,
): Promise<RunningComponents> {
  const stack: Array<() => Promise<void>> = [];
  const unwind = async () => {
    for (const close of stack.reverse()) await close().catch(() => {});
    stack.length = 0;
  };
  try {
    let ready = false;
    let url = '';
    const health = new HealthRegistry();
    // One probe serves /actuator/health and the alert evaluator's broker-down rule.
    const brokerProbe = kafkaIndicator(() => settings.bootstrap);
    health.add(brokerProbe);
    health.add(diskSpaceIndicator(settings.dataDir));

    const alerts = startAlertEvaluator({
      config: settings.config?.alerts ?? defaultAlertConfig(),
      registry,
      logger: log.child({ component: 'alerts' }),
      brokerHealth: () =>
        brokerProbe.check().then(
          () => 'UP' as const,
          () => 'DOWN' as const,
        ),
      externalUrl: () => url,
    });
    stack.push(() => alerts.close());
    const lag = await startLagMonitor({
      bootstrap: [settings.bootstrap],
      registry,
      logger: log.child({ component: 'lag' }),
    });
    stack.push(() => lag.close());
    let logs: LogMonitor | undefined;
    if (settings.logs) {
      logs = await startLogMonitor({
        bootstrap: [settings.bootstrap],
        config: logsConfigFrom(settings.config?.logs),
        logger: log.child({ component: 'logs' }),
      });
      const started = logs;
      stack.push(() => started.close());
    }

    const app = createHttpApp(log);
    const governor = new CpuGovernor({ maxUtilization: settings.maxCpu });
    stack.push(async () => governor.close());
    registerGovernorMetrics(registry, governor);
    // Probes and scrapes always go in: they are cheap, and an orchestrator must see the truth.
    // Refused (PlatformBusyError): 429 BUSY, answered by the error handler in the route's format.
    app.addHook('onRequest', async (req) => {
      if (req.url.startsWith('/actuator') || req.url.startsWith('/metrics')) return;
      await governor.admit();
    });
    registerIndexPage(app); // first: it lists the routes registered after it
    registerAlertRoutes(app, alerts);
    registerLagRoutes(app, lag);
    logs?.registerRoutes(app);
    registerActuatorRoutes(app, {
      health,
      registry,
      ready: () => ready,
      info: () => ({
        app: { name: 'sluice', version: settings.version, description: 'Sluice event-streaming platform' },
        kafka: { bootstrap: settings.bootstrap, clusterId: settings.clusterId },
      }),
    });
    // The server closes first: no request should find a component already gone.
    stack.push(async () => {
      ready = false;
      await app.close();
    });
    const http = await listenHttp(app, settings.httpHost, settings.httpPort);
    url = http.url;
    ready = true;
    return { port: http.port, url: http.url, close: unwind };
  } catch (err) {
    await unwind();
    throw err;
  }
}

function registerGovernorMetrics(registry: Registry, governor: CpuGovernor): void {
  // The process metrics (RSS, the broker's heap) come from the broker thread; this is the platform's own heap.
  new Gauge({
    name: 'sluice_platform_heap_used_bytes',
    help: 'V8 heap in use by the platform thread (its limit is platformHeapMb).',
    registers: [registry],
    collect() {
      this.set(getHeapStatistics().used_heap_size);
    },
  });
  new Gauge({
    name: 'sluice_platform_utilization',
    help: "Busy share of the platform thread's event loop in the governor's last window (0-1).",
    registers: [registry],
    collect() {
      this.set(governor.utilization);
    },
  });
  const delayed = new Counter({
    name: 'sluice_platform_requests_delayed_total',
    help: 'Platform HTTP requests that waited because the platform thread was over its CPU share.',
    registers: [registry],
    collect() {
      delayed.reset();
      delayed.inc(governor.delayed);
    },
  });
  const refused = new Counter({
    name: 'sluice_platform_requests_refused_total',
    help: 'Platform HTTP requests answered 429 because too many were already waiting.',
    registers: [registry],
    collect() {
      refused.reset();
      refused.inc(governor.refused);
    },
  });
}
