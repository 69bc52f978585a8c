// What the report says about the machine and the software versions.

import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { run } from './processes.js';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): Machine {
  let os = 'unknown';
  try {
    os = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // not Linux-like
  }
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    os,
    node: process.version,
    loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** The commit the working tree is on, and whether it has changes (as the bench measures them). */
export async function gitState(repoRoot: string): Promise<string> {
  const head = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, timeoutMs: 30_000 });
  const status = await run('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: repoRoot,
    timeoutMs: 30_000,
  });
  const untracked = await run('git', ['status', '--porcelain'], { cwd: repoRoot, timeoutMs: 30_000 });
  if (head.code !== 0) return 'not a git checkout';
  const dirty = status.stdout.trim() !== '' || untracked.stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' + uncommitted changes' : ''}`;
}
