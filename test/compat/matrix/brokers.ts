// The two brokers the matrix runs against, one at a time, each on a free port of 127.0.0.1 with a
// fresh temporary directory: Apache Kafka (the control, through scripts/peers/kafka.sh) and Sluice
// (`sluice start` from dist: the whole platform, so the lag and log monitors watch every scenario,
// and a failure in one of them that takes the broker down shows as a dead broker). Both create
// auto-created topics with 3 partitions.

import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/waiting.js';
import { checkRun, repoRoot, runProcess } from '../peers.js';

export const AUTO_CREATE_PARTITIONS = 3;

export interface RunningBroker {
  readonly name: 'kafka' | 'sluice';
  readonly bootstrap: string;
  readonly version: string;
  /** False once the broker process has exited (a crash, for Sluice). */
  alive(): boolean;
  stop(): Promise<void>;
}

const ROOT = repoRoot();
const PEERS = join(ROOT, 'scripts', 'peers');

export function kafkaVersion(): string {
  const pom = readFileSync(join(PEERS, 'kafka', 'pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
}

/** Fetches Apache Kafka's jars from Maven Central unless they are there (idempotent). */
export async function installKafka(): Promise<void> {
  const r = await runProcess('bash', [join(PEERS, 'install-kafka.sh')], { timeoutMs: 900_000 });
  process.stderr.write(r.stdout.toString('utf8'));
  checkRun(r, 'scripts/peers/install-kafka.sh');
}

export async function startKafka(): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-compat-kafka-'));
  const port = await freePort();
  const script = join(PEERS, 'kafka.sh');
  const started = await runProcess(
    'bash',
    [script, 'start', dir, String(port), `num.partitions=${AUTO_CREATE_PARTITIONS}`],
    { timeoutMs: 150_000 },
  );
  const stop = async (): Promise<void> => {
    await runProcess('bash', [script, 'stop', dir], { timeoutMs: 60_000 }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  if (started.code !== 0 || started.timedOut) {
    await stop();
    checkRun(started, 'kafka.sh start');
  }
  const pid = Number(started.stdout.toString('utf8').trim().split('\n').pop());
  const alive = (): boolean => {
    try {
      process.kill(pid, 0); // signal 0: only asks whether it exists
      return true;
    } catch {
      return false;
    }
  };
  return { name: 'kafka', bootstrap: `127.0.0.1:${port}`, version: kafkaVersion(), alive, stop };
}

/** The lines of `sluice start`'s banner that give the Kafka and HTTP addresses. */
const KAFKA_LINE = /^\s*kafka\s+([\d.]+):(\d+)\s*$/m;
const HTTP_LINE = /^\s*http\s+(http:\/\/\S+?)\/?\s*$/m;
/** How often the matrix scrapes /metrics, as Prometheus would, so the lag monitor reads every group. */
const SCRAPE_MS = 1_000;

/** `sluice start --kafka-port 0 --http-port 0` from dist; its stderr goes to logFile. */
export function startSluice(logFile: string): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-compat-data-'));
  const cli = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const args = [
    cli,
    'start',
    '--kafka-port',
    '0',
    '--http-port',
    '0',
    '--host',
    '127.0.0.1',
    '--data-dir',
    dir,
  ];
  args.push('--default-partitions', String(AUTO_CREATE_PARTITIONS), '--log-level', 'warn');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stderr.pipe(log, { end: false });
  // 'close' comes after stderr has ended, so the log holds all of it.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let scraper: NodeJS.Timeout | undefined;
  let stopping = false;
  let diedAlone = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    clearInterval(scraper);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
    log.end();
    if (!diedAlone) rmSync(dir, { recursive: true, force: true });
  };
  // A Sluice that died on its own keeps its data directory, to look at what it had acknowledged.
  child.once('exit', (code, signal) => {
    if (stopping || !scraper) return;
    diedAlone = true;
    clearInterval(scraper);
    log.write(`\nsluice start exited by itself (${code ?? signal}); data kept in ${dir}\n`);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`sluice start did not start in 20 s: ${out}`)));
    }, 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = KAFKA_LINE.exec(out);
      const http = HTTP_LINE.exec(out);
      if (!m || !http || scraper) return;
      clearTimeout(timer);
      scraper = setInterval(() => {
        fetch(`${http[1]}/metrics`).then(
          (res) => res.arrayBuffer(),
          () => {},
        );
      }, SCRAPE_MS);
      scraper.unref();
      const alive = (): boolean => child.exitCode === null && child.signalCode === null;
      resolve({ name: 'sluice', bootstrap: `${m[1]}:${m[2]}`, version: sluiceVersion(), alive, stop });
    });
    child.once('exit', (code, signal) => {
      if (scraper) return; // it was listening: see the handler above
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`sluice start exited (${code ?? signal}) before listening; see ${logFile}`));
    });
  });
}

/** package.json's version and the commit, "+dirty" when the tree has changes. */
export function sluiceVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', args, {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  };
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = commit && git(['status', '--porcelain', '--untracked-files=no']) ? '+dirty' : '';
  return commit ? `${pkg.version} (${commit}${dirty})` : pkg.version;
}
