// Consumer-group members as separate processes, one real client each, for tests that start,
// stop (SIGTERM: the client leaves the group) and kill (SIGKILL) them mid-run.
//
//   kcat          kcat -G (librdkafka), auto-commit every 200 ms and on close
//   confluent-kafka, kafka-python   test/compat/group/*_member.py under /usr/bin/python3
//   kafkajs, platformatic           test/compat/group/*-member.mjs under this Node.js
//
// Every member prints JSON lines on stdout: {"ev":"assigned","partitions":[...]} when its
// assignment changes, {"ev":"msg","p","o","k","v"} per message it processed (before committing
// it), {"ev":"closed"} after a clean shutdown. Set SLUICE_GROUP_DEBUG=1 for the clients' group and
// protocol debug logs on each member's stderr (kept in `stderr`, printed when a test fails).

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { peerMissing } from '../peers/availability.js';
import { repoRoot } from '../peers/process.js';
import { SYSTEM_PYTHON } from '../peers/python.js';

export type GroupClient = 'kcat' | 'confluent-kafka' | 'kafka-python' | 'kafkajs' | 'platformatic';
export const GROUP_CLIENTS: readonly GroupClient[] = [
  'kcat',
  'confluent-kafka',
  'kafka-python',
  'kafkajs',
  'platformatic',
];

export interface MemberConfig {
  bootstrap: string;
  group: string;
  topic: string;
  clientId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** The rebalance timeout (librdkafka and kafka-python: max.poll.interval.ms). */
  rebalanceTimeoutMs: number;
}

export interface ConsumedMessage {
  p: number;
  o: number;
  k: string | null;
  v: string | null;
}

export type MemberEvent =
  | ({ ev: 'msg' } & ConsumedMessage)
  | { ev: 'assigned' | 'revoked'; partitions: number[]; at: number }
  | { ev: 'started' | 'closed'; at: number };

const running = new Set<GroupMember>();

/** Why this client cannot run here (for `t.skip`), or null. */
export async function groupClientMissing(client: GroupClient): Promise<string | null> {
  if (client === 'kcat' || client === 'confluent-kafka' || client === 'kafka-python')
    return peerMissing(client);
  return null;
}

export class GroupMember {
  readonly events: MemberEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderrTail = '';
  private partial = '';
  private stderrPartial = '';

  constructor(
    readonly client: GroupClient,
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    running.add(this);
    this.exited = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      }),
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onStdout(chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.onStderr(chunk));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get messages(): ConsumedMessage[] {
    return this.events.filter((e): e is { ev: 'msg' } & ConsumedMessage => e.ev === 'msg');
  }

  /** The partitions of the last assignment, or null before the first. */
  get assignment(): number[] | null {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (e.ev === 'assigned') return e.partitions;
      if (e.ev === 'revoked') return [];
    }
    return null;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The end of the member's stderr, for failure messages. */
  get stderr(): string {
    return this.stderrTail;
  }

  private onStdout(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const e = JSON.parse(line) as MemberEvent;
        if (e.ev !== 'msg') (e as { at: number }).at = Date.now();
        this.events.push(e);
      } catch {
        this.stderrTail = `${this.stderrTail}[unparsed stdout] ${line}\n`.slice(-20_000);
      }
    }
  }

  private onStderr(chunk: string): void {
    this.stderrTail = (this.stderrTail + chunk).slice(-20_000);
    if (this.client !== 'kcat') return;
    // kcat reports rebalances on stderr: "% Group g rebalanced (memberid m): assigned: t [0], t [3]"
    const lines = (this.stderrPartial + chunk).split('\n');
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /rebalanced \(memberid [^)]*\): (assigned|revoked): ?(.*)$/.exec(line);
      if (!m) continue;
      const partitions = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])).sort((a, b) => a - b);
      this.events.push({ ev: m[1] as 'assigned' | 'revoked', partitions, at: Date.now() });
    }
  }

  /** Polls `predicate` every 50 ms; throws with the member's stderr tail after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`${this.describe()}: timed out waiting for ${what}\n${this.tail()}`);
      if (!this.running)
        throw new Error(`${this.describe()} exited while waiting for ${what}\n${this.tail()}`);
      await sleep(50);
    }
  }

  /** SIGTERM: the client closes and leaves the group. Resolves with the exit; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** SIGKILL: gone without a word to the broker. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  describe(): string {
    return `${this.client} member ${this.name} (pid ${this.child.pid})`;
  }

  tail(lines = 40): string {
    return this.stderrTail.trim().split('\n').slice(-lines).join('\n');
  }
}

function command(client: GroupClient, cfg: MemberConfig, debug: boolean): [string, string[]] {
  const here = join(repoRoot(), 'test', 'compat', 'group');
  const json = JSON.stringify({ ...cfg, debug });
  switch (client) {
    case 'kcat': {
      const x = (k: string, v: string | number) => ['-X', `${k}=${v}`];
      const args = [
        '-b',
        cfg.bootstrap,
        '-G',
        cfg.group,
        '-u', // unbuffered: a line is out before the next message is read
        '-f',
        '{"ev":"msg","p":%p,"o":%o,"k":"%k","v":"%s"}\\n',
        ...x('client.id', cfg.clientId),
        ...x('auto.offset.reset', 'earliest'),
        ...x('session.timeout.ms', cfg.sessionTimeoutMs),
        ...x('heartbeat.interval.ms', cfg.heartbeatIntervalMs),
        ...x('max.poll.interval.ms', cfg.rebalanceTimeoutMs),
        ...x('auto.commit.interval.ms', 200),
        ...x('fetch.wait.max.ms', 200),
      ];
      if (debug) args.push('-d', 'cgrp,protocol');
      return [process.env.SLUICE_KCAT ?? 'kcat', [...args, cfg.topic]];
    }
    case 'confluent-kafka':
      return [SYSTEM_PYTHON, [join(here, 'confluent_member.py'), json]];
    case 'kafka-python':
      return [SYSTEM_PYTHON, [join(here, 'kafkapy_member.py'), json]];
    case 'kafkajs':
      return [process.execPath, [join(here, 'kafkajs-member.mjs'), json]];
    case 'platformatic':
      return [process.execPath, [join(here, 'platformatic-member.mjs'), json]];
  }
}

/** Starts one member process. */
export function startMember(client: GroupClient, name: string, cfg: MemberConfig): GroupMember {
  const debug = process.env.SLUICE_GROUP_DEBUG === '1';
  const [cmd, args] = command(client, cfg, debug);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot() });
  child.on('error', () => {}); // reported through `exited` and the stderr tail
  return new GroupMember(client, name, child);
}

/** SIGKILLs every member still running (for after() hooks) and waits for them to exit. */
export async function killAllMembers(): Promise<void> {
  await Promise.all([...running].map((m) => m.kill()));
}
