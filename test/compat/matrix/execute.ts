// Runs one adapter against one broker and turns its JSON lines into one result per scenario.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { repoRoot, runProcess } from '../peers.js';
import { type AdapterEntry, PREPARE_TIMEOUT_MS } from './adapters.js';
import { ADAPTER_TIMEOUT_MS, SCENARIO_IDS } from './scenarios.js';

/** One cell half: what a client did on one broker. ok null = not supported (or skipped). */
export interface Outcome {
  ok: boolean | null;
  detail: string;
  skipped?: boolean;
}

export type Outcomes = Record<string, Outcome>;

const ROOT = repoRoot();

/** Process groups of the adapters running now (each runs detached, in its own group). */
const activeGroups = new Set<number>();

/** Kills every running adapter with what it started (for Ctrl-C: they are not in our group). */
export function killRunningAdapters(): void {
  for (const pgid of activeGroups) killGroup(pgid);
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Why the adapter cannot run here ("no go"), or null. */
export function missingRuntime(entry: AdapterEntry): string | null {
  if (entry.unavailable) return entry.unavailable;
  for (const exe of entry.requires ?? []) {
    if (!onPath(exe)) return `no ${exe.split('/').pop()}`;
  }
  return null;
}

function onPath(exe: string): boolean {
  if (exe.includes('/'))
    return spawnSync('test', ['-x', isAbsolute(exe) ? exe : join(ROOT, exe)]).status === 0;
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && spawnSync('test', ['-x', join(dir, exe)]).status === 0);
}

export function skippedOutcomes(reason: string): Outcomes {
  return Object.fromEntries(
    SCENARIO_IDS.map((id) => [id, { ok: null, detail: `skipped (${reason})`, skipped: true }]),
  );
}

export function failedOutcomes(detail: string): Outcomes {
  return Object.fromEntries(SCENARIO_IDS.map((id) => [id, { ok: false, detail }]));
}

/** Runs entry.prepare; null when it worked (or there is none), else why not. */
export async function prepare(entry: AdapterEntry, logFile: string): Promise<string | null> {
  if (!entry.prepare?.length) return null;
  const [cmd, ...args] = entry.prepare;
  try {
    const r = await runProcess(cmd, args, { cwd: ROOT, timeoutMs: PREPARE_TIMEOUT_MS });
    appendFileSync(logFile, `$ ${entry.prepare.join(' ')}\n${r.stdout}${r.stderr}\n`);
    if (r.code === 0 && !r.timedOut) return null;
    return `prepare failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}): ${lastLine(r.stderr)}`;
  } catch (e) {
    return `prepare failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function lastLine(s: string): string {
  return (s.trim().split('\n').pop() ?? '').slice(0, 200);
}

/**
 * Runs `command --bootstrap B --prefix P` (its own process group, killed whole at the deadline),
 * keeps stdout+stderr in logFile and maps every scenario id to what the adapter said about it.
 */
export function runAdapter(
  entry: AdapterEntry,
  bootstrap: string,
  prefix: string,
  logFile: string,
): Promise<{ outcomes: Outcomes; ms: number }> {
  const started = Date.now();
  const [cmd, ...rest] = entry.command;
  const args = [...rest, '--bootstrap', bootstrap, '--prefix', prefix];
  appendFileSync(logFile, `$ ${[cmd, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const pgid = child.pid;
    if (pgid) activeGroups.add(pgid);
    const killAll = (): void => {
      if (pgid) killGroup(pgid); // the adapter and the clients it started
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, ADAPTER_TIMEOUT_MS + 5_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      appendFileSync(logFile, d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      appendFileSync(logFile, d);
    });
    let done = false;
    const finish = (how: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      killAll(); // nothing it started may outlive it
      if (pgid) activeGroups.delete(pgid);
      const outcomes = parseLines(stdout);
      for (const id of SCENARIO_IDS) {
        if (!outcomes[id])
          outcomes[id] = { ok: false, detail: `no result: the adapter ${how}; ${lastLine(stderr)}` };
      }
      appendFileSync(logFile, `[runner] adapter ${how} after ${Date.now() - started} ms\n\n`);
      resolve({ outcomes, ms: Date.now() - started });
    };
    child.once('error', (e) => finish(`could not start (${e.message})`));
    child.once('close', (code, signal) => {
      finish(timedOut ? `timed out after ${ADAPTER_TIMEOUT_MS} ms` : `exited ${code ?? signal}`);
    });
  });
}

function parseLines(stdout: string): Outcomes {
  const out: Outcomes = {};
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const o = JSON.parse(line) as { scenario?: unknown; ok?: unknown; detail?: unknown };
      if (typeof o.scenario !== 'string' || !SCENARIO_IDS.includes(o.scenario) || out[o.scenario]) continue;
      const ok = o.ok === true || o.ok === false ? o.ok : null;
      out[o.scenario] = { ok, detail: String(o.detail ?? '').slice(0, 500) };
    } catch {
      // not one of ours: a client library wrote to stdout
    }
  }
  return out;
}
