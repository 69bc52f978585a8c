// Shared plumbing for the Node.js matrix adapters (kafkajs.mjs, platformatic.mjs): the command
// line (--bootstrap HOST:PORT --prefix P), one JSON line per scenario on stdout, a per-scenario
// timeout inside an overall budget, and the test data every client uses. Logs go to stderr only.

export const BUDGET_MS = 110_000; // the runner kills an adapter at 120 s

export function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    if (name !== '--bootstrap' && name !== '--prefix') throw new Error(`unknown argument ${name}`);
    args[name.slice(2)] = argv[i + 1];
  }
  if (!args.bootstrap || !args.prefix) throw new Error('usage: --bootstrap HOST:PORT --prefix P');
  return { bootstrap: args.bootstrap, prefix: args.prefix };
}

/** Thrown (or returned via unsupported()) for a scenario the client cannot do. */
export class Unsupported extends Error {}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls cond() until it returns a truthy value; throws `what` after timeoutMs. */
export async function waitFor(cond, timeoutMs, what, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() >= end) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

/** A repetitive 200-byte value, so that every codec really compresses it. */
export const REPETITIVE_200 = Buffer.from('sluice compresses this! '.repeat(9).slice(0, 200));

/** 1,000,000 bytes that a codec could not hide a corruption in. */
export function oneMegabyte() {
  const b = Buffer.alloc(1_000_000);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

/** Checks what scenario consume-from-beginning read: per key one partition, values rising with offset. */
export function perKeyOrder(records) {
  if (!records || records.length === 0) throw new Error('nothing was read in consume-from-beginning');
  const byKey = new Map();
  for (const r of records) {
    const list = byKey.get(r.key) ?? [];
    list.push(r);
    byKey.set(r.key, list);
  }
  for (const [key, list] of byKey) {
    const parts = new Set(list.map((r) => r.partition));
    if (parts.size !== 1) throw new Error(`key ${key} on partitions ${[...parts].join(',')}`);
    list.sort((a, b) => Number(a.offset) - Number(b.offset));
    for (let i = 1; i < list.length; i++) {
      if (Number(list[i].value) <= Number(list[i - 1].value)) {
        throw new Error(
          `key ${key}: value ${list[i].value} at offset ${list[i].offset} after ${list[i - 1].value}`,
        );
      }
    }
  }
  return `${byKey.size} keys over ${new Set(records.map((r) => r.partition)).size} partitions, each in order`;
}

/**
 * Runs [id, fn] pairs in order. fn() returns the detail (ok), throws (failed) or throws
 * Unsupported (ok:null). Each one gets min(its timeout, what is left of the budget).
 */
export async function runScenarios(client, scenarios, { defaultTimeoutMs = 25_000 } = {}) {
  const start = Date.now();
  for (const [id, fn, timeoutMs = defaultTimeoutMs] of scenarios) {
    const left = BUDGET_MS - (Date.now() - start);
    if (left < 1_000) {
      emit(id, false, 'not run: the adapter used up its time budget');
      continue;
    }
    const limit = Math.min(timeoutMs, left);
    let timer;
    try {
      const detail = await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`scenario timed out after ${limit} ms`)), limit);
        }),
      ]);
      emit(id, true, String(detail ?? ''));
    } catch (e) {
      if (e instanceof Unsupported) emit(id, null, `not supported by ${client}: ${e.message}`);
      else {
        emit(id, false, short(e));
        process.stderr.write(`[${id}] ${e?.stack ?? e}\n`);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

function short(e) {
  const msg = e?.message ?? String(e);
  const type = e?.type ?? e?.code ?? e?.name;
  const s = type && !msg.includes(String(type)) ? `${type}: ${msg}` : msg;
  return s.replace(/\s+/g, ' ').slice(0, 300);
}

export function emit(scenario, ok, detail) {
  process.stdout.write(`${JSON.stringify({ scenario, ok, detail })}\n`);
}

/** Resolves within ms whatever p does (for close() calls that may hang on a broken broker). */
export function bounded(p, ms = 5_000) {
  return Promise.race([Promise.resolve(p).catch(() => {}), sleep(ms)]);
}
