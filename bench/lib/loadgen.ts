// The Go load generator (bench/loadgen): built once per run, then run once per workload.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes.js';

export interface Loadgen {
  bin: string;
  goVersion: string;
  franzGoVersion: string;
}

/** Builds bench/loadgen into bench/.bin/loadgen with `go build`. */
export async function buildLoadgen(repoRoot: string): Promise<Loadgen> {
  const source = join(repoRoot, 'bench', 'loadgen');
  const bin = join(repoRoot, 'bench', '.bin', 'loadgen');
  const built = await run('go', ['build', '-o', bin, '.'], { cwd: source, timeoutMs: 10 * 60_000 });
  if (built.code !== 0) {
    throw new Error(`go build of bench/loadgen failed:\n${built.stderr}`);
  }
  const version = await run('go', ['version'], { timeoutMs: 30_000 });
  const goMod = readFileSync(join(source, 'go.mod'), 'utf8');
  const franz = /github\.com\/twmb\/franz-go (v\S+)/.exec(goMod)?.[1] ?? 'unknown';
  return { bin, goVersion: version.stdout.trim().replace(/^go version /, ''), franzGoVersion: franz };
}

export type LoadgenOutcome =
  | { ok: true; result: Record<string, unknown>; ms: number }
  | { ok: false; error: string; ms: number };

/**
 * Runs one loadgen subcommand and parses its JSON line. The generator is told to give up a
 * little before the harness would kill it, so that a stalled broker yields a partial result.
 */
export async function loadgen(
  gen: Loadgen,
  subcommand: string,
  args: readonly string[],
  timeoutMs: number,
  abort?: AbortSignal,
): Promise<LoadgenOutcome> {
  const timeoutS = Math.max(5, Math.floor(timeoutMs / 1000) - 10);
  const out = await run(gen.bin, [subcommand, ...args, '--timeout', `${timeoutS}s`], { timeoutMs, abort });
  const stderr = out.stderr.trim().split('\n').slice(-5).join('\n');
  if (out.timedOut) {
    return { ok: false, error: `loadgen killed after ${timeoutMs / 1000}s\n${stderr}`, ms: out.ms };
  }
  if (out.code !== 0) {
    return { ok: false, error: `loadgen exited ${out.code ?? out.signal}: ${stderr}`, ms: out.ms };
  }
  try {
    return { ok: true, result: JSON.parse(out.stdout) as Record<string, unknown>, ms: out.ms };
  } catch {
    return { ok: false, error: `loadgen printed no JSON: ${out.stdout.slice(0, 300)}`, ms: out.ms };
  }
}

/** The command line as it appears in the report, with the broker address left symbolic. */
export function commandLine(subcommand: string, args: readonly string[]): string {
  return ['bench/.bin/loadgen', subcommand, ...args].join(' ');
}
