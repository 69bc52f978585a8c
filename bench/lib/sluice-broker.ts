// Runs the Sluice broker as a separate process, the way a user would: `sluice broker`.

import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningBroker, type StartContext, tailFile } from './broker.js';
import { loadgen } from './loadgen.js';
import { freePort, procStat, start, stopSpawned } from './processes.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export function sluiceVersion(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The command line, for the report (DIR and PORT are chosen per run). */
export const SLUICE_COMMAND = 'node dist/src/cli/main.js broker --port PORT --data-dir DIR';

export async function startSluice(ctx: StartContext): Promise<RunningBroker> {
  // A port chosen here rather than --port 0, so the readiness probe can run from the spawn on.
  const port = ctx.port ?? (await freePort());
  const bootstrap = `127.0.0.1:${port}`;
  const logPath = join(ctx.workDir, ctx.logName ?? 'sluice.log');
  const log = createWriteStream(logPath);
  const probeAbort = new AbortController();
  const probe = loadgen(
    ctx.gen,
    'wait-ready',
    ['--brokers', bootstrap, '--interval', '5ms'],
    START_TIMEOUT_MS,
    probeAbort.signal,
  );
  const { child, exited } = start(
    process.execPath,
    [
      join(ctx.repoRoot, 'dist/src/cli/main.js'),
      'broker',
      '--port',
      String(port),
      '--data-dir',
      join(ctx.workDir, 'data'),
      ...(ctx.sluiceLogLevel ? ['--log-level', ctx.sluiceLogLevel] : []),
      ...(ctx.sluiceArgs ?? []),
    ],
    { cwd: ctx.repoRoot },
  );
  const pid = child.pid ?? -1;
  const startUnixMs = procStat(pid)?.startUnixMs ?? Date.now();
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let exit: string | undefined;
  void exited.then(({ code, signal }) => {
    exit = `exited with ${signal ?? `code ${code}`}`;
    probeAbort.abort();
  });

  const ready = await probe;
  if (!ready.ok || exit !== undefined) {
    if (exit === undefined) child.kill('SIGKILL');
    await exited;
    const why = exit ?? (ready.ok ? 'no answer' : ready.error);
    throw new Error(`Sluice did not start (${why}):\n${tailFile(logPath, 20)}`);
  }
  const startupMs = (ready.result.readyUnixMs as number) - startUnixMs;

  return {
    name: 'sluice',
    bootstrap,
    pid,
    startupMs,
    startUnixMs,
    exitReason: () => exit,
    logTail: (lines) => tailFile(logPath, lines),
    async stop() {
      if (exit !== undefined) return `had already ${exit}`;
      return stopSpawned({ child, exited }, log, STOP_TIMEOUT_MS);
    },
  };
}
