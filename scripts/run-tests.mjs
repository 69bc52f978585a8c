// Runs the compiled tests with Node's own test runner, several files at a time.
// Usage: node scripts/run-tests.mjs [unit|integration|compat ...]  (default: all)
// Env:   SLUICE_TEST_JOBS=N  files at once (default 2, CI's and this machine's core count;
//                            1 runs every file alone, as the runner did before)
//
// Every test file shares nothing with another: its brokers, platforms, Prometheus, rsyslog and
// Apache Kafka listen on port 0 (or a freePort() of their own), its data lives in its own mkdtemp
// directory, and no test sets process-wide state outside its own process. So files run in
// parallel, each in its own `node --test` process; a file's output is printed whole when it
// ends, so that files do not interleave.
// Two kinds of file are scheduled with care (see HEAVY and ALONE below).

import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = 'dist/test';
const suites = process.argv.slice(2);
const dirs = suites.length ? suites.map((s) => join(root, s)) : [root];
const jobs = Math.max(1, Number(process.env.SLUICE_TEST_JOBS ?? 2) || 2);

/**
 * Files that start a JVM (Apache Kafka or its CLI tools) or several real client processes with
 * session timeouts of a few seconds. Each uses most of a core for a long time; two of them at once
 * on a 2-core machine starve each other's heartbeats. At most one HEAVY file runs at a time
 * (beside light ones).
 */
const HEAVY = new Set([
  'integration/groups-clients.test.js', // 3 member processes per client + a producer, 4 s sessions
  'integration/real-clients.test.js', // kcat, confluent-kafka, kafka-python, KafkaJS processes
  'integration/metrics-lag.test.js', // Apache Kafka (JVM) beside a Sluice broker
  'integration/logs-on-kafka.test.js', // Apache Kafka (JVM)
  'integration/schemas/registry-on-kafka.test.js', // Apache Kafka (JVM)
  'integration/admin.test.js', // kafka-topics.sh (a JVM per call)
  'integration/admin-configs-clients.test.js', // kafka-configs.sh (a JVM per call)
  'integration/prometheus-lag-alert.test.js', // a real Prometheus scraping a platform every second
  'integration/lag-client-groups.test.js', // a Java consumer group (JVM) and franz-go against sluice start
  'integration/spring-control.test.js', // three Spring Boot JVMs (Eureka, Config, a service)
]);

/**
 * Files that run with nothing else: none today. A file belongs here only if what it checks
 * depends on the whole machine (a wall-clock rate, the machine's free memory or CPU); such a
 * check is a speed goal and belongs in bench/ instead.
 */
const ALONE = new Set([]);

/**
 * The longest files (seconds on the 2-core machine, one at a time), started first so that the
 * last file to end is not a long one started late. The runner prints the slowest files at the
 * end of every run: update this list from there.
 */
const LONG_FIRST = [
  'integration/groups-clients.test.js',
  'integration/real-clients.test.js',
  'integration/cli-groups.test.js',
  'integration/cli.test.js',
  'integration/prometheus-lag-alert.test.js',
  'integration/metrics-lag.test.js',
  'integration/groups-offsets-crash.test.js',
  'integration/logs-on-kafka.test.js',
];

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const key = (file) => relative(root, file).split('\\').join('/');
const rank = (file) => {
  const i = LONG_FIRST.indexOf(key(file));
  return i < 0 ? LONG_FIRST.length : i;
};
const files = dirs
  .flatMap((d) => collect(d, []))
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}

const totals = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const times = [];
const failedFiles = [];
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
const ansi = /\x1b\[[0-9;]*m/g;

/** Runs one file in its own `node --test` and prints its output whole when it ends. */
function runFile(file) {
  const started = Date.now();
  const child = spawn(process.execPath, ['--test', '--test-reporter=spec', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env,
  });
  const out = [];
  child.stdout.on('data', (chunk) => out.push(chunk));
  child.stderr.on('data', (chunk) => out.push(chunk));
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      const seconds = (Date.now() - started) / 1000;
      const text = Buffer.concat(out).toString('utf8');
      const counts = {};
      for (const m of text.replace(ansi, '').matchAll(/^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm))
        counts[m[1]] = Number(m[2]);
      for (const k of Object.keys(totals)) totals[k] += counts[k] ?? 0;
      const ok = code === 0 && counts.tests !== undefined;
      if (!ok) failedFiles.push(`${key(file)} (exit ${code ?? signal})`);
      times.push([seconds, key(file)]);
      process.stdout.write(`\n▶ ${key(file)}: ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s\n${text}`);
      resolve();
    });
  });
}

/** Runs `queue` with up to `jobs` files at once, at most one HEAVY file among them. */
async function pool(queue) {
  const waiting = [...queue];
  const running = new Set();
  let heavy = 0;
  await new Promise((done) => {
    const next = () => {
      while (running.size < jobs && waiting.length > 0) {
        const i = waiting.findIndex((f) => heavy === 0 || !HEAVY.has(key(f)));
        if (i < 0) break;
        const [file] = waiting.splice(i, 1);
        const isHeavy = HEAVY.has(key(file));
        if (isHeavy) heavy++;
        const run = runFile(file).then(() => {
          running.delete(run);
          if (isHeavy) heavy--;
          next();
        });
        running.add(run);
      }
      if (running.size === 0 && waiting.length === 0) done();
    };
    next();
  });
}

const began = Date.now();
await pool(files.filter((f) => !ALONE.has(key(f))));
for (const file of files.filter((f) => ALONE.has(key(f)))) await runFile(file);

const wall = (Date.now() - began) / 1000;
times.sort((a, b) => b[0] - a[0]);
console.log(`\nslowest files (${jobs} at a time, ${wall.toFixed(0)} s in all):`);
for (const [seconds, name] of times.slice(0, 8))
  console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`);
if (failedFiles.length) console.log(`\nfailed files:\n  ${failedFiles.join('\n  ')}`);
console.log(`\nℹ files ${files.length}`);
for (const k of Object.keys(totals)) console.log(`ℹ ${k} ${totals[k]}`);
console.log(`ℹ duration_ms ${Date.now() - began}`);
console.log(
  `tests: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped} skipped`,
);
process.exit(failedFiles.length > 0 || totals.fail + totals.cancelled > 0 ? 1 : 0);
