// The platform's components and its HTTP server, as the platform thread runs them: they reach the
// broker only through its Kafka address, as they would reach Apache Kafka.

import { getHeapStatistics } from 'node:v8';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SluiceConfig } from '../../config/index.js';
import { isSluiceError, SluiceError } from '../../errors/index.js';
import type { ComponentHandle, PlatformComponent, PlatformFacts } from '../component.js';
import { type ComponentSection, PLATFORM_COMPONENTS } from '../components.js';
import { HealthRegistry } from '../health/health.js';
import { createHttpApp, listenHttp } from '../http-server.js';
import { registerIndexPage } from '../index-page.js';
import type { LogFormat } from '../log-format.js';
import { CpuGovernor } from './cpu-governor.js';
import type { ThreadPriority } from './thread-priority.js';

/** The components' config sections, validated; startPlatform fills in the defaults of missing ones. */
export type PlatformConfig = Partial<Pick<SluiceConfig, ComponentSection['name']>>;

/** What the platform thread is told about the broker and its own settings (structured-clonable). */
export interface PlatformSettings {
  bootstrap: string;
  clusterId: string;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  /** Each component's section by its name, validated and complete. */
  config: Readonly<Record<string, unknown>>;
  /** Components of the list not to start (`sluice broker` runs without `logs`). */
  disabled: readonly string[];
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

/**
 * Starts the components of the list in order, then the HTTP server they registered routes on;
 * closes them in reverse. A component that fails to start fails the whole start, with its name,
 * after what had started is closed again.
 */
export async function startPlatformComponents(
  settings: PlatformSettings,
  registry: Registry,
  log: Logger,
  components: readonly PlatformComponent[] = PLATFORM_COMPONENTS,
): Promise<RunningComponents> {
  const stack: Array<() => Promise<void>> = [];
  const closing = new AbortController();
  const unwind = async () => {
    closing.abort();
    for (const close of stack.reverse()) await close().catch(() => {});
    stack.length = 0;
  };
  try {
    let listening = false;
    let url = '';
    const handles: ComponentHandle[] = [];
    const platform: PlatformFacts = {
      clusterId: settings.clusterId,
      dataDir: settings.dataDir,
      version: settings.version,
      url: () => url,
      ready: () => listening && handles.every((h) => h.ready?.() ?? true),
    };
    const health = new HealthRegistry();
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
    // First: it lists the routes registered after it.
    registerIndexPage(
      app,
      components.flatMap((c) => c.endpoints ?? []),
    );

    for (const component of components) {
      if (settings.disabled.includes(component.name)) continue;
      const handle = await startOne(component, {
        bootstrap: settings.bootstrap,
        config: sectionOf(component, settings.config),
        logger: log.child({ component: component.name }),
        registry,
        health,
        app,
        signal: closing.signal,
        platform,
      });
      handles.push(handle);
      stack.push(() => handle.close());
    }

    // The server closes first: no request should find a component already gone.
    stack.push(async () => {
      listening = false;
      await app.close();
    });
    const http = await listenHttp(app, settings.httpHost, settings.httpPort);
    url = http.url;
    listening = true;
    return { port: http.port, url: http.url, close: unwind };
  } catch (err) {
    await unwind();
    throw err;
  }
}

async function startOne(
  component: PlatformComponent,
  context: Parameters<PlatformComponent['start']>[0],
): Promise<ComponentHandle> {
  try {
    return await component.start(context);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new SluiceError(
      isSluiceError(err) ? err.code : 'UNAVAILABLE',
      `platform component ${component.name} failed to start: ${message}`,
      { cause: err },
    );
  }
}

function sectionOf(component: PlatformComponent, config: Readonly<Record<string, unknown>>): unknown {
  if (component.section === undefined) return undefined;
  const value = config[component.section.name];
  if (value === undefined) {
    throw new SluiceError(
      'INVALID_CONFIG',
      `platform component ${component.name} was given no '${component.section.name}' section`,
    );
  }
  return value;
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
