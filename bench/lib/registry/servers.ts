// The servers of the registry benchmark: `sluice start` (registry under /eureka, config server
// under /config), Spring's own Eureka server, and Spring's own Config server on its native
// backend with a `sluice broker` carrying its bus. Each is stopped by the caller; every process is
// also stopped on exit (processes.ts).

import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, peakRssKiB, procStat, type Spawned, start, stopSpawned } from '../processes.js';

export interface SpringJars {
  eureka: string;
  config: string;
  /** When they were built, for the report. */
  built: string;
}

export function springJars(repoRoot: string): SpringJars | { error: string } {
  const dir = join(repoRoot, '.peers', 'spring');
  const eureka = join(dir, 'eureka-server.jar');
  const config = join(dir, 'config-server.jar');
  for (const jar of [eureka, config]) {
    if (!existsSync(jar)) {
      return {
        error: `${jar} is missing: run bash scripts/peers/install-spring.sh (needs Java 17+ and Maven)`,
      };
    }
  }
  return { eureka, config, built: statSync(eureka).mtime.toISOString().slice(0, 16).replace('T', ' ') };
}

export interface RunningServer {
  /** Base URL of the service under test, without a trailing slash. */
  url: string;
  pid: number;
  cpuSeconds(): number;
  peakRssMiB(): number;
  stop(): Promise<string | undefined>;
}

const STOP_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 120_000;

async function waitFor(what: string, spawned: Spawned, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  void spawned.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited before it was ready`);
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready within ${READY_TIMEOUT_MS / 1000}s`);
}

function running(spawned: Spawned, url: string, log: { end(): void }, cleanCodes: number[]): RunningServer {
  const pid = spawned.child.pid ?? -1;
  return {
    url,
    pid,
    cpuSeconds: () => procStat(pid)?.cpuSeconds ?? Number.NaN,
    // The kernel's high-water mark of the resident set (read while it runs).
    peakRssMiB: () => (peakRssKiB(pid) ?? Number.NaN) / 1024,
    stop: () => stopSpawned(spawned, log, STOP_TIMEOUT_MS, cleanCodes, true),
  };
}

/** `sluice start` on free ports; `path` is where the service lives on its HTTP server. */
export async function startSluice(
  repoRoot: string,
  dir: string,
  path: '/eureka' | '/config',
): Promise<RunningServer & { kafka: string }> {
  mkdirSync(dir, { recursive: true });
  const [kafkaPort, httpPort] = [await freePort(), await freePort()];
  const log = createWriteStream(join(dir, 'sluice.log'));
  const spawned = start(
    process.execPath,
    [
      join(repoRoot, 'dist/src/cli/main.js'),
      'start',
      '--data-dir',
      join(dir, 'data'),
      '--kafka-port',
      String(kafkaPort),
      '--http-port',
      String(httpPort),
      '--log-format',
      'json',
      '--log-level',
      'warn',
    ],
    { cwd: repoRoot },
  );
  spawned.child.stdout?.pipe(log, { end: false });
  spawned.child.stderr?.pipe(log, { end: false });
  const base = `http://127.0.0.1:${httpPort}`;
  await waitFor('sluice start', spawned, async () => (await fetch(`${base}/actuator/health/readiness`)).ok);
  return { ...running(spawned, `${base}${path}`, log, [0]), kafka: `127.0.0.1:${kafkaPort}` };
}

/** Spring's Eureka server at its defaults (30 s response cache, self-preservation on). */
export async function startEureka(jar: string, dir: string): Promise<RunningServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const log = createWriteStream(join(dir, 'eureka.log'));
  const spawned = start('java', ['-jar', jar], { env: { ...process.env, PORT: String(port) } });
  spawned.child.stdout?.pipe(log, { end: false });
  spawned.child.stderr?.pipe(log, { end: false });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the Eureka server', spawned, async () => (await fetch(`${base}/actuator/health`)).ok);
  // A JVM stopped by SIGTERM exits 143 after its shutdown hooks.
  return running(spawned, `${base}/eureka`, log, [0, 143]);
}

/** Spring's Config server on files in `repo`, its bus on a `sluice broker` it is given. */
export async function startSpringConfig(
  jar: string,
  dir: string,
  repo: string,
  bootstrap: string,
): Promise<RunningServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const log = createWriteStream(join(dir, 'config-server.log'));
  const spawned = start('java', ['-jar', jar], {
    env: { ...process.env, PORT: String(port), CONFIG_DIR: repo, KAFKA_BOOTSTRAP: bootstrap },
  });
  spawned.child.stdout?.pipe(log, { end: false });
  spawned.child.stderr?.pipe(log, { end: false });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the Config server', spawned, async () => (await fetch(`${base}/actuator/health`)).ok);
  return running(spawned, base, log, [0, 143]);
}

/** A bare `sluice broker` (the bus of Spring's Config server). */
export async function startBroker(repoRoot: string, dir: string): Promise<RunningServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const log = createWriteStream(join(dir, 'broker.log'));
  const spawned = start(
    process.execPath,
    [
      join(repoRoot, 'dist/src/cli/main.js'),
      'broker',
      '--port',
      String(port),
      '--data-dir',
      join(dir, 'data'),
      '--log-level',
      'warn',
    ],
    { cwd: repoRoot },
  );
  spawned.child.stdout?.pipe(log, { end: false });
  spawned.child.stderr?.pipe(log, { end: false });
  const { connect } = await import('node:net');
  await waitFor(
    'sluice broker',
    spawned,
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
  );
  return running(spawned, `127.0.0.1:${port}`, log, [0]);
}
