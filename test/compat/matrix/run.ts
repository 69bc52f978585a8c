// `npm run compat`: the compatibility matrix. Every adapter (adapters.ts) runs every scenario
// (scenarios.ts) against Apache Kafka first, as the control, then against Sluice; one broker at a
// time, each on a free port of 127.0.0.1. Prints the matrix, compares it with the committed
// docs/compatibility.json and rewrites that and docs/compatibility.md.
//
//   node dist/test/compat/matrix/run.js [--only CLIENT[,CLIENT]] [--no-kafka] [--update]
//
// Exit 1 when a cell that passed on Sluice in the baseline does not now (a regression), or when
// a scenario fails on Kafka (a broken scenario). Partial runs (--only, --no-kafka) write the
// files only with --update; --update writes them even with regressions.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../peers.js';
import { ADAPTERS, type AdapterEntry } from './adapters.js';
import {
  installKafka,
  kafkaVersion,
  type RunningBroker,
  sluiceVersion,
  startKafka,
  startSluice,
} from './brokers.js';
import {
  failedOutcomes,
  killRunningAdapters,
  missingRuntime,
  type Outcomes,
  prepare,
  runAdapter,
  skippedOutcomes,
} from './execute.js';
import { compare, finalize, type MatrixFile, renderMarkdown, renderText } from './report.js';
import { SCENARIO_IDS } from './scenarios.js';

interface Options {
  only: string[] | null;
  kafka: boolean;
  update: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { only: null, kafka: true, update: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-kafka') o.kafka = false;
    else if (a === '--update') o.update = true;
    else if (a === '--only' && argv[i + 1]) o.only = argv[++i].split(',').map((s) => s.trim());
    else if (a.startsWith('--only='))
      o.only = a
        .slice(7)
        .split(',')
        .map((s) => s.trim());
    else
      throw new Error(
        `unknown argument ${a}; usage: run.js [--only CLIENT[,CLIENT]] [--no-kafka] [--update]`,
      );
  }
  return o;
}

const ROOT = repoRoot();
const JSON_PATH = join(ROOT, 'docs', 'compatibility.json');
const MD_PATH = join(ROOT, 'docs', 'compatibility.md');
const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** Brokers to stop if we are interrupted. */
const running = new Set<RunningBroker>();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    say(`compat: ${sig}, stopping the adapter and the brokers`);
    killRunningAdapters();
    void Promise.all([...running].map((b) => b.stop())).finally(() => process.exit(130));
  });
}

function slug(client: string): string {
  return client
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** Runs the adapters against one broker; restarts Sluice if it died during an adapter. */
async function against(
  which: 'kafka' | 'sluice',
  adapters: AdapterEntry[],
  runId: string,
  logDir: string,
  notes: string[],
): Promise<Map<string, Outcomes>> {
  const results = new Map<string, Outcomes>();
  const start = (): Promise<RunningBroker> =>
    which === 'kafka' ? startKafka() : startSluice(join(logDir, `sluice-start-${Date.now()}.log`));
  let broker = await start();
  running.add(broker);
  say(`compat: ${which} ${broker.version} on ${broker.bootstrap}`);
  try {
    for (const a of adapters) {
      if (!broker.alive()) {
        notes.push(`the ${which} broker had exited before ${a.client} ran; it was started again`);
        running.delete(broker);
        await broker.stop();
        broker = await start();
        running.add(broker);
      }
      const log = join(logDir, `${which}-${slug(a.client)}.log`);
      const { outcomes, ms } = await runAdapter(a, broker.bootstrap, `${runId}-${slug(a.client)}`, log);
      if (!broker.alive()) notes.push(`the ${which} broker exited while ${a.client} ran (see ${logDir})`);
      const bad = Object.values(outcomes).filter((o) => o.ok === false).length;
      say(`compat:   ${a.client.padEnd(20)} ${(ms / 1000).toFixed(1).padStart(5)} s, ${bad} failed`);
      results.set(a.client, outcomes);
    }
  } finally {
    running.delete(broker);
    await broker.stop();
  }
  return results;
}

function readBaseline(): MatrixFile | null {
  if (!existsSync(JSON_PATH)) return null;
  try {
    return JSON.parse(readFileSync(JSON_PATH, 'utf8')) as MatrixFile;
  } catch (e) {
    say(`compat: cannot read ${JSON_PATH} (${e instanceof Error ? e.message : e}); no baseline`);
    return null;
  }
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const t0 = Date.now();
  const unknown = (opts.only ?? []).filter((c) => !ADAPTERS.some((a) => a.client === c));
  if (unknown.length)
    throw new Error(
      `unknown client(s) ${unknown.join(', ')}; known: ${ADAPTERS.map((a) => a.client).join(', ')}`,
    );
  const chosen = ADAPTERS.filter((a) => !opts.only || opts.only.includes(a.client));
  const baseline = readBaseline(); // before anything is overwritten
  const logDir = mkdtempSync(join(tmpdir(), 'sluice-compat-'));
  const runId = `cm${Date.now().toString(36)}`;
  say(`compat: ${chosen.length} client(s) × ${SCENARIO_IDS.length} scenarios; logs in ${logDir}`);

  const skipped = new Map<string, string>();
  const failedPrepare = new Map<string, string>();
  for (const a of chosen) {
    const missing = missingRuntime(a);
    if (missing) {
      skipped.set(a.client, missing);
      say(`compat: ${a.client}: skipped (${missing})`);
      continue;
    }
    const why = await prepare(a, join(logDir, `prepare-${slug(a.client)}.log`));
    if (why) {
      failedPrepare.set(a.client, why);
      say(`compat: ${a.client}: ${why}`);
    }
  }
  const runnable = chosen.filter((a) => !skipped.has(a.client) && !failedPrepare.has(a.client));

  const notes: string[] = [];
  let onKafka = new Map<string, Outcomes>();
  if (opts.kafka && runnable.length) {
    await installKafka();
    onKafka = await against('kafka', runnable, runId, logDir, notes);
  }
  const onSluice = runnable.length
    ? await against('sluice', runnable, runId, logDir, notes)
    : new Map<string, Outcomes>();

  const now: MatrixFile = {
    generated: new Date().toISOString(),
    kafka: { version: kafkaVersion() },
    sluice: { version: sluiceVersion() },
    node: process.version,
    scenarios: [...SCENARIO_IDS],
    clients: chosen.map((a) => ({
      client: a.client,
      version: a.version,
      ...(skipped.has(a.client) ? { skipped: `skipped (${skipped.get(a.client)})` } : {}),
    })),
    cells: {},
    notes,
  };
  for (const a of chosen) {
    const skip = skipped.get(a.client);
    const prep = failedPrepare.get(a.client);
    const k = skip ? skippedOutcomes(skip) : prep ? failedOutcomes(prep) : onKafka.get(a.client);
    const s = skip ? skippedOutcomes(skip) : prep ? failedOutcomes(prep) : onSluice.get(a.client);
    now.cells[a.client] = Object.fromEntries(
      SCENARIO_IDS.map((id) => [
        id,
        { kafka: opts.kafka ? (k?.[id] ?? null) : null, sluice: s?.[id] ?? null },
      ]),
    );
  }

  const partial = opts.only !== null || !opts.kafka;
  const result = finalize(baseline, now, { partial, kafkaRan: opts.kafka });
  const cmp = compare(baseline, now);
  const shown = {
    ...result,
    clients: result.clients.filter((c) => chosen.some((a) => a.client === c.client)),
  };
  process.stdout.write(`\n${renderText(shown)}\n\n`);
  for (const r of cmp.broken) say(`compat: broken scenario (fails on Apache Kafka): ${r}`);
  for (const r of cmp.regressions) say(`compat: REGRESSION (passed on Sluice before): ${r}`);
  for (const r of cmp.fixed) say(`compat: now passing on Sluice: ${r}`);
  for (const r of cmp.unchecked) say(`compat: not checked here (passed before): ${r}`);

  const clean = cmp.regressions.length === 0 && cmp.broken.length === 0;
  if (opts.update || (!partial && clean)) {
    writeFileSync(JSON_PATH, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(MD_PATH, renderMarkdown(result));
    say(`compat: wrote docs/compatibility.md and docs/compatibility.json`);
  } else {
    say(
      `compat: docs not written (${partial ? 'partial run' : 'regressions or broken scenarios'}; --update writes them)`,
    );
  }
  // Logs are kept when something failed (on either broker), to read; else removed.
  const anyFailure = Object.values(now.cells).some((row) =>
    Object.values(row).some((c) => c.kafka?.ok === false || c.sluice?.ok === false),
  );
  if (!anyFailure && now.notes.length === 0) rmSync(logDir, { recursive: true, force: true });
  const where = anyFailure || now.notes.length ? `; logs in ${logDir}` : '';
  say(`compat: done in ${((Date.now() - t0) / 1000).toFixed(0)} s${where}`);
  if (cmp.broken.length) return 1;
  if (cmp.regressions.length && !opts.update) return 1;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`compat: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void Promise.all([...running].map((b) => b.stop())).finally(() => process.exit(2));
  },
);
