// Runs Apache Kafka through the peer scripts in scripts/peers/ (install-kafka.sh, kafka.sh).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningBroker, type StartContext, tailFile } from './broker.js';
import { loadgen } from './loadgen.js';
import { freePort, isAlive, onCleanup, procStat, run, start } from './processes.js';

const INSTALL_TIMEOUT_MS = 20 * 60_000;
const START_TIMEOUT_MS = 150_000;

/** kafka-server-start.sh's default heap; kafka.sh's own default (512 MiB) is a test setting. */
export const KAFKA_HEAP_OPTS = '-Xms1G -Xmx1G';

export function kafkaVersion(repoRoot: string): string {
  const pom = readFileSync(join(repoRoot, 'scripts/peers/kafka/pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
}

export async function javaVersion(): Promise<string> {
  const out = await run('java', ['-version'], { timeoutMs: 30_000 });
  return out.stderr.split('\n')[0]?.trim() || 'unknown';
}

/** Installs Kafka if needed; resolves to undefined when usable, else to the reason it is not. */
export async function ensureKafka(repoRoot: string): Promise<string | undefined> {
  const out = await run('bash', [join(repoRoot, 'scripts/peers/install-kafka.sh')], {
    cwd: repoRoot,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  if (out.code === 0) return undefined;
  return `install-kafka.sh ${out.timedOut ? 'timed out' : `exited ${out.code}`}: ${out.stderr.trim().slice(-500)}`;
}

export function kafkaCommand(overrides: readonly string[] = []): string {
  return [`KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS}" scripts/peers/kafka.sh start DIR PORT`, ...overrides].join(
    ' ',
  );
}

/** server.properties as Kafka reads it: of a key given twice, only the last line counts. */
function effective(properties: string): string {
  const lines = properties.split('\n');
  const key = (line: string) => (/^\s*[#!]/.test(line) ? undefined : /^\s*([^=:\s]+)\s*[=:]/.exec(line)?.[1]);
  const last = new Map<string, number>();
  lines.forEach((line, i) => {
    const k = key(line);
    if (k !== undefined) last.set(k, i);
  });
  return lines
    .filter((line, i) => {
      const k = key(line);
      return k === undefined || last.get(k) === i;
    })
    .join('\n');
}

export async function startKafka(ctx: StartContext): Promise<RunningBroker & { properties: string }> {
  const script = join(ctx.repoRoot, 'scripts/peers/kafka.sh');
  const dir = join(ctx.workDir, 'kafka');
  const pidFile = join(dir, 'kafka.pid');
  const logPath = join(dir, 'server.log');
  // The JVM is not our child (kafka.sh starts it with nohup): kill it by its pid if we die.
  onCleanup(() => {
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : Number.NaN;
    if (Number.isInteger(pid) && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  const port = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  const probeAbort = new AbortController();
  const probe = loadgen(
    ctx.gen,
    'wait-ready',
    ['--brokers', bootstrap, '--interval', '5ms'],
    START_TIMEOUT_MS,
    probeAbort.signal,
  );
  const started = await run('bash', [script, 'start', dir, String(port), ...(ctx.kafkaOverrides ?? [])], {
    cwd: ctx.repoRoot,
    env: { ...process.env, KAFKA_HEAP_OPTS },
    timeoutMs: START_TIMEOUT_MS,
  });
  const pid = Number(started.stdout.trim().split('\n').pop());
  if (started.code !== 0 || !Number.isInteger(pid)) {
    probeAbort.abort();
    await probe;
    throw new Error(`kafka.sh start failed (${started.code}): ${started.stderr.trim().slice(-1500)}`);
  }
  const startUnixMs = procStat(pid)?.startUnixMs ?? Number.NaN;
  const ready = await probe;
  if (!ready.ok) {
    await run('bash', [script, 'stop', dir], { timeoutMs: 60_000 });
    throw new Error(`Kafka started but did not answer ApiVersions: ${ready.error}`);
  }
  const properties = effective(readFileSync(join(dir, 'server.properties'), 'utf8'))
    .replaceAll(dir, 'DIR')
    .replaceAll(`:${port}`, ':PORT')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:CONTROLLER_PORT');

  return {
    name: 'kafka',
    bootstrap,
    pid,
    startupMs: (ready.result.readyUnixMs as number) - startUnixMs,
    startUnixMs,
    properties,
    exitReason: () => (isAlive(pid) ? undefined : 'the JVM exited'),
    logTail: (lines) => tailFile(logPath, lines),
    async stop() {
      const wasAlive = isAlive(pid);
      const out = await run('bash', [script, 'stop', dir], { timeoutMs: 60_000 });
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      if (!wasAlive) return 'had already exited';
      return out.code === 0 ? undefined : `kafka.sh stop exited ${out.code}: ${out.stderr.trim()}`;
    },
  };
}

/**
 * Starts the JVM again on the directory of a Kafka that startKafka set up (server.properties,
 * data/ kept: kafka.sh start would wipe data/), the same way kafka.sh does, on the same ports.
 * Resolves as soon as the process runs; the caller probes for readiness.
 */
export function restartKafka(ctx: StartContext, bootstrap: string): RunningBroker {
  const script = join(ctx.repoRoot, 'scripts/peers/kafka.sh');
  const dir = join(ctx.workDir, 'kafka');
  const logPath = join(dir, 'server.log');
  // kafka.sh's JAVA array (the heap split into words), with kafka-env.sh for the paths; exec
  // keeps the pid the JVM's.
  const java =
    'source scripts/peers/kafka-env.sh && ' +
    'exec java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true ' +
    '"-Dlog4j2.configurationFile=$PEERS_SRC/kafka/log4j2-broker.properties" -cp "$KAFKA_LIBS/*" ' +
    'kafka.Kafka "$1/server.properties" >>"$1/server.log" 2>&1 </dev/null';
  const { child } = start('bash', ['-c', java, 'bash', dir], {
    cwd: ctx.repoRoot,
    env: { ...process.env, KAFKA_HEAP_OPTS },
    stdio: 'ignore',
  });
  const pid = child.pid ?? -1;
  const startUnixMs = procStat(pid)?.startUnixMs ?? Date.now();
  writeFileSync(join(dir, 'kafka.pid'), `${pid}\n`);
  return {
    name: 'kafka',
    bootstrap,
    pid,
    startupMs: Number.NaN,
    startUnixMs,
    exitReason: () => (isAlive(pid) ? undefined : 'the JVM exited'),
    logTail: (lines) => tailFile(logPath, lines),
    async stop() {
      const wasAlive = isAlive(pid);
      const out = await run('bash', [script, 'stop', dir], { timeoutMs: 60_000 });
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      if (!wasAlive) return 'had already exited';
      return out.code === 0 ? undefined : `kafka.sh stop exited ${out.code}: ${out.stderr.trim()}`;
    },
  };
}
