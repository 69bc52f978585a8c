import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

export interface BrokerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly bootstrap: string;
  /** The HTTP server's URL (metrics, health) when started with --http-port. */
  readonly httpUrl?: string;
  /** Sends the signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnOptions {
  /** Runs the broker with this limit on open file descriptors (`ulimit -n`). */
  openFiles?: number;
  /** Receives everything the broker writes to stderr, for tests that count its log lines. */
  onStderr?: (chunk: Buffer) => void;
}

/**
 * Runs `sluice broker` as a separate process (for crash tests) and waits for its port, and
 * with `--http-port` among `extraArgs` for its HTTP server too.
 */
export function spawnBroker(
  dataDir: string,
  port = 0,
  extraArgs: string[] = [],
  options: SpawnOptions = {},
): Promise<BrokerProcess> {
  const withHttp = extraArgs.includes('--http-port');
  const args = [
    CLI,
    'broker',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
    ...extraArgs,
  ];
  const child =
    options.openFiles === undefined
      ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -n ${options.openFiles} && exec "$0" "$@"`, process.execPath, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  if (options.onStderr) child.stderr?.on('data', options.onStderr);
  // 'close', not 'exit': by then everything the broker wrote to stdout and stderr has been read.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker did not start: ${out}${err}`));
    }, 15_000);
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.stdout?.on('data', (d) => {
      out += d;
      const match = /listening on ([\d.]+):(\d+)/.exec(out);
      const http = /http listening on (\S+)/.exec(out);
      if (!match || (withHttp && !http)) return;
      clearTimeout(timer);
      const brokerPort = Number(match[2]);
      resolve({
        child,
        port: brokerPort,
        bootstrap: `${match[1]}:${brokerPort}`,
        httpUrl: http?.[1],
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening: ${out}${err}`));
    });
  });
}
