import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveConfig } from '../../src/config/index.js';
import { type PlatformOptions, type RunningPlatform, startPlatform } from '../../src/platform/index.js';

export interface TestPlatform extends RunningPlatform {
  readonly dataDir: string;
  /** GETs a path of the platform HTTP server. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Stops everything and removes the data directory. */
  dispose(): Promise<void>;
}

export interface TestPlatformOptions extends Omit<PlatformOptions, 'config'> {
  /** Config file contents (alerts, logs, schemas sections), resolved as `sluice start --config` does. */
  config?: { alerts?: unknown; logs?: unknown; schemas?: unknown; pipelines?: unknown; registry?: unknown };
  /** A data directory to use (and keep on dispose), e.g. to start again on what a stopped platform left. */
  dataDir?: string;
}

/** `sluice start` in process: free ports, a fresh data directory, a silent logger. */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  // Validated before anything starts, as the CLI does: a bad section throws ConfigError.
  const { config } = resolveConfig({ file: options.config ?? {} });
  const given = options.dataDir;
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'sluice-platform-'));
  const { dataDir: _, ...rest } = options;
  const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });
  const platform = await startPlatform(
    {
      httpPort: 0,
      ...rest,
      config: {
        alerts: config.alerts,
        logs: config.logs,
        schemas: config.schemas,
        pipelines: config.pipelines,
        registry: config.registry,
      },
      broker: { port: 0, ...options.broker, dataDir },
    },
    logger,
  ).catch((err: unknown) => {
    if (given === undefined) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...platform,
    close: () => platform.close(),
    dataDir,
    get: (path, headers = {}) => fetch(`${platform.http.url}${path}`, { headers }),
    async dispose() {
      await platform.close();
      if (given === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The value of one series in Prometheus text, or undefined when absent. */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (wanted.every(([k, v]) => have.get(k) === v) && have.size === wanted.length) return Number(match[4]);
  }
  return undefined;
}
