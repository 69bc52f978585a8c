// Runs one peer (a real client, as its own process) with a hard timeout.

import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Bytes written to the child's stdin, which is then closed. */
  input?: Buffer | string;
  /** Kill the child (SIGKILL) after this long. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

export function runProcess(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const command = [cmd, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        command,
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.on('error', () => {}); // the child may exit before reading everything
    child.stdin.end(opts.input ?? '');
  });
}

/** Throws with the command, exit status and the tail of stderr unless the run succeeded. */
export function checkRun(r: RunResult, what: string): RunResult {
  if (r.code === 0 && !r.timedOut) return r;
  const how = r.timedOut ? 'timed out' : r.signal ? `died of ${r.signal}` : `exited ${r.code}`;
  const tail = r.stderr.trim().split('\n').slice(-15).join('\n');
  throw new Error(`${what} ${how}: ${r.command}\n${tail}`);
}

export { repoRoot } from '../../helpers/repo-root.js';
