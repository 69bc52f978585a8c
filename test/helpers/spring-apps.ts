// Starts and stops the Spring peers built by scripts/peers/install-spring.sh (Spring's own
// Eureka server and Config server, and a Spring Boot client): one JVM each, on a free port of
// 127.0.0.1, ready once its actuator health says UP. Every test that starts one stops it.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';
import { freePort } from './waiting.js';

export type SpringPeer = 'demo-app' | 'eureka-server' | 'config-server';

const PEERS: readonly SpringPeer[] = ['demo-app', 'eureka-server', 'config-server'];
/** A failure bound: a JVM starts in 6–13 s alone, slower beside two others on 2 cores. */
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;
/** What a failure message shows of a JVM's output: its last lines. */
const LOG_KEEP_BYTES = 64 * 1024;

export interface SpringApp {
  readonly peer: SpringPeer;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly child: ChildProcess;
  /** The last 64 KiB of what the JVM wrote (stdout and stderr), for failure messages. */
  logs(): string;
  /** SIGTERM (Spring shuts down gracefully: a Eureka client deregisters), SIGKILL past 20 s. */
  stop(): Promise<void>;
}

export interface StartSpringOptions {
  /** Environment for the app (PORT is set here); each app's application.yml names what it reads. */
  env?: Record<string, string>;
  /** JVM flags after -Xmx256m. Default: quick start (C1 only, serial GC), as tests want. */
  jvmArgs?: string[];
}

/** Where install-spring.sh puts the jars (SLUICE_PEERS_DIR overrides .peers, as for Kafka). */
export function springJarsDir(): string {
  return join(process.env.SLUICE_PEERS_DIR ?? join(repoRoot(), '.peers'), 'spring');
}

/** Why the Spring peers cannot run here, or undefined when they can. */
export function springSkipReason(): string | undefined {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) return 'no java on PATH: the Spring peers need a Java 17+ runtime';
  const missing = PEERS.filter((p) => !existsSync(join(springJarsDir(), `${p}.jar`)));
  if (missing.length > 0) {
    return `the Spring peers are not built (${missing.join(', ')} missing in ${springJarsDir()}): run scripts/peers/install-spring.sh (needs Java 17 and Maven)`;
  }
  return undefined;
}

/** Starts one Spring peer and waits until its /actuator/health answers UP. */
export async function startSpringApp(peer: SpringPeer, options: StartSpringOptions = {}): Promise<SpringApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const jvmArgs = options.jvmArgs ?? ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
  const child = spawn('java', ['-Xmx256m', ...jvmArgs, '-jar', join(springJarsDir(), `${peer}.jar`)], {
    env: { ...process.env, ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > LOG_KEEP_BYTES * 2) output = output.slice(-LOG_KEEP_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let gone = false;
  child.once('exit', () => {
    gone = true;
  });
  child.once('error', (err) => {
    gone = true;
    output += `\nspawn failed: ${err.message}`;
  });

  const app: SpringApp = {
    peer,
    port,
    url,
    child,
    logs: () => output.slice(-LOG_KEEP_BYTES),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  let pause = 100;
  while (Date.now() < deadline) {
    if (gone) {
      await exited;
      throw new Error(
        `${peer} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${app.logs()}`,
      );
    }
    try {
      const res = await fetch(`${url}/actuator/health`, { signal: AbortSignal.timeout(5_000) });
      const body = await res.text();
      if (res.status === 200 && /"status"\s*:\s*"UP"/.test(body)) return app;
      last = `${res.status} ${body.slice(0, 500)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(500, pause * 2);
  }
  await app.stop();
  throw new Error(
    `${peer} was not ready within ${READY_TIMEOUT_MS} ms (last health: ${last}):\n${app.logs()}`,
  );
}

/** Stops every app given (those that started), all at once; never throws. */
export async function stopSpringApps(...apps: (SpringApp | undefined)[]): Promise<void> {
  await Promise.all(apps.map((a) => a?.stop().catch(() => undefined)));
}
