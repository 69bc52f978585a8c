// The other peers (NATS JetStream, Redis, RabbitMQ): Debian's packages, installed by
// scripts/peers/install-streams.sh and run by scripts/peers/<peer>.sh on 127.0.0.1.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, isAlive, onCleanup, run } from '../processes.js';

export type PeerName = 'nats' | 'redis' | 'rabbitmq';
export const PEERS: readonly PeerName[] = ['nats', 'redis', 'rabbitmq'];

const INSTALL_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;

export interface PeerSpec {
  display: string;
  package: string;
  /** Lines the harness adds to the peer script's minimal config (listen address, data dir). */
  config: readonly string[];
  /** Where the pid file of the server process is, in the script's DIR. */
  pidFile: string;
  /** What the durability of an acknowledged publish is, at the settings used. */
  durability: string;
}

export const SPECS: Record<PeerName, PeerSpec> = {
  nats: {
    display: 'NATS JetStream',
    package: 'nats-server',
    config: [],
    pidFile: 'nats.pid',
    durability:
      "file storage, 1 replica. The PubAck comes once the message is written to the stream's block file " +
      '(write(2) into the page cache: a single-replica stream flushes in place); JetStream fsyncs on an interval, not per message (2 minutes in 2.9, ' +
      "not configurable before 2.10's `sync_interval`). An acknowledged message survives a crash of " +
      'the server process, not a power loss or kernel crash within the interval.',
  },
  redis: {
    display: 'Redis Streams',
    package: 'redis-server',
    // Redis's default is no AOF at all (RDB snapshots every 60 s at the earliest): an XADD reply
    // then promises nothing on disk. `appendonly yes` with its default `appendfsync everysec` is
    // the setting Redis's persistence documentation gives for durability; it is not tuned down.
    config: ['appendonly yes'],
    pidFile: 'redis.pid',
    durability:
      "`appendonly yes` with the default `appendfsync everysec` (Redis's default is no AOF, which " +
      'would keep nothing durable between snapshots; we turn the AOF on as the persistence guide ' +
      'recommends). Redis normally write(2)s the AOF before it sends the XADD replies (it may postpone ' +
      'the write by up to 2 s while a background fsync is slow) and fsyncs it once a second in the ' +
      'background: an acknowledged record normally survives a crash of the process, but up to ~1 s ' +
      '(at worst ~2 s) of them can be lost on power loss or an OS crash.',
  },
  rabbitmq: {
    display: 'RabbitMQ',
    package: 'rabbitmq-server',
    config: [],
    pidFile: 'rabbit.pid',
    durability:
      'a quorum queue (1 member) with persistent messages and publisher confirms: a confirm is sent ' +
      "after the message is in the queue's Raft log and that log is fsynced (batched across " +
      'messages, like group commit). Acknowledged messages survive power loss.',
  },
};

/** Installs the missing peers; resolves to undefined when all are usable, else why not. */
export async function ensurePeers(repoRoot: string, peers: readonly PeerName[]): Promise<string | undefined> {
  if (peers.length === 0) return undefined;
  const out = await run('bash', [join(repoRoot, 'scripts/peers/install-streams.sh'), ...peers], {
    cwd: repoRoot,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  if (out.code === 0) return undefined;
  return `install-streams.sh ${out.timedOut ? 'timed out' : `exited ${out.code}`}: ${out.stderr.trim().slice(-500)}`;
}

/** The Debian package version of each peer (e.g. 2.9.10-1+b3), or 'not installed'. */
export async function peerVersions(peers: readonly PeerName[]): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const p of peers) {
    // Prints "package<TAB>version".
    const out = await run('dpkg-query', ['-W', SPECS[p].package], { timeoutMs: 30_000 });
    versions[p] = out.code === 0 ? (out.stdout.trim().split('\t')[1] ?? 'unknown') : 'not installed';
  }
  const erl = await run(
    'erl',
    ['-noshell', '-eval', 'io:put_chars(erlang:system_info(otp_release)), halt().'],
    {
      timeoutMs: 30_000,
      env: { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' },
    },
  );
  if (peers.includes('rabbitmq') && erl.code === 0) versions.erlang = `OTP ${erl.stdout.trim()}`;
  return versions;
}

export function peerCommand(peer: PeerName): string {
  return [`scripts/peers/${peer}.sh start DIR PORT`, ...SPECS[peer].config.map((c) => `"${c}"`)].join(' ');
}

export interface RunningPeer {
  name: PeerName;
  addr: string;
  pid: number;
  /** The config file the script wrote, as the server read it. */
  config: string;
  stop(): Promise<string | undefined>;
}

/** Starts a fresh instance in dir on a free port of 127.0.0.1. */
export async function startPeer(repoRoot: string, peer: PeerName, dir: string): Promise<RunningPeer> {
  const script = join(repoRoot, 'scripts/peers', `${peer}.sh`);
  const pidFile = join(dir, SPECS[peer].pidFile);
  // The server is not our child (the script starts it with nohup): kill it if we die.
  onCleanup(() => {
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : Number.NaN;
    if (Number.isInteger(pid) && isAlive(pid)) process.kill(pid, 'SIGKILL');
    const epmd = join(dir, 'epmd.pid');
    const epmdPid = existsSync(epmd) ? Number(readFileSync(epmd, 'utf8')) : Number.NaN;
    if (Number.isInteger(epmdPid) && isAlive(epmdPid)) process.kill(epmdPid, 'SIGKILL');
  });
  const port = await freePort();
  const started = await run('bash', [script, 'start', dir, String(port), ...SPECS[peer].config], {
    cwd: repoRoot,
    timeoutMs: START_TIMEOUT_MS,
  });
  if (started.code !== 0) {
    await run('bash', [script, 'stop', dir], { cwd: repoRoot, timeoutMs: STOP_TIMEOUT_MS });
    throw new Error(
      `${peer}.sh start failed (${started.timedOut ? 'timed out' : `exit ${started.code}`}):\n${started.stderr.trim().slice(-1500)}`,
    );
  }
  const pid = Number(started.stdout.trim().split('\n').pop());
  const configName = { nats: 'nats.conf', redis: 'redis.conf', rabbitmq: 'rabbitmq.conf' }[peer];
  return {
    name: peer,
    addr: `127.0.0.1:${port}`,
    pid,
    config: readFileSync(join(dir, configName), 'utf8')
      .replaceAll(dir, 'DIR')
      .replaceAll(String(port), 'PORT'),
    async stop() {
      const out = await run('bash', [script, 'stop', dir], { cwd: repoRoot, timeoutMs: STOP_TIMEOUT_MS });
      return out.code === 0
        ? undefined
        : `${peer}.sh stop exited ${out.code}: ${out.stderr.trim().slice(-300)}`;
    },
  };
}
