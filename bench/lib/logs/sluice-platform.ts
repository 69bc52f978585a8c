// Runs `sluice start` (broker, HTTP server and log monitor in one process) as a child process on
// free ports with its own data directory, the way a user would.

import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tailFile } from '../broker.js';
import { freePort, start, stopSpawned } from '../processes.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;

export interface RunningPlatform {
  bootstrap: string;
  httpUrl: string;
  pid: number;
  /** The command line, with the ports and directory left symbolic. */
  command: string;
  logTail(lines: number): string;
  exitReason(): string | undefined;
  stop(): Promise<string | undefined>;
}

export interface PlatformStart {
  repoRoot: string;
  workDir: string;
  /** Node flags before the script (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
  /** Sluice's config file (YAML text), passed with --config. */
  config?: string;
}

export async function startPlatform({
  repoRoot,
  workDir,
  nodeArgs = [],
  config,
}: PlatformStart): Promise<RunningPlatform> {
  const kafkaPort = await freePort();
  const httpPort = await freePort();
  const logPath = join(workDir, 'sluice.log');
  const log = createWriteStream(logPath);
  const args = [
    ...nodeArgs,
    join(repoRoot, 'dist/src/cli/main.js'),
    'start',
    '--kafka-port',
    String(kafkaPort),
    '--http-port',
    String(httpPort),
    '--data-dir',
    join(workDir, 'data'),
  ];
  if (config !== undefined) {
    const configPath = join(workDir, 'sluice.yaml');
    writeFileSync(configPath, config);
    args.push('--config', configPath);
  }
  const { child, exited } = start(process.execPath, args, { cwd: repoRoot });
  const pid = child.pid ?? -1;
  let exit: string | undefined;
  void exited.then(({ code, signal }) => {
    exit = `exited with ${signal ?? `code ${code}`}`;
  });
  child.stderr?.pipe(log, { end: false });
  // `sluice start` prints its addresses once everything accepts connections.
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('no ready line within 60 s')), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      out += chunk.toString();
      if (out.includes('sluice started') && /http\s+\S+\/\n/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(exit));
    });
  });
  try {
    await ready;
  } catch (err) {
    if (exit === undefined) child.kill('SIGKILL');
    await exited;
    throw new Error(`sluice start failed (${(err as Error).message}):\n${tailFile(logPath, 20)}`);
  }
  return {
    bootstrap: `127.0.0.1:${kafkaPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    pid,
    command: `node ${nodeArgs.length ? `${nodeArgs.join(' ')} ` : ''}dist/src/cli/main.js start --kafka-port PORT --http-port PORT --data-dir DIR`,
    logTail: (lines) => tailFile(logPath, lines),
    exitReason: () => exit,
    async stop() {
      if (exit !== undefined) return `had already ${exit}`;
      return stopSpawned({ child, exited }, log, STOP_TIMEOUT_MS);
    },
  };
}
