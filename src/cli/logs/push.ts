// `sluice logs push`: stdin lines to Loki's push API, in batches, one request in flight so that
// lines arrive in the order read.

import { createInterface } from 'node:readline';
import type { CommandContext } from '../args.js';
import { apiUrl, postJson } from './loki-http.js';
import { nowNs } from './time-flags.js';

export interface PushSettings {
  base: URL;
  labels: Record<string, string>;
}

/** A batch is sent when it has this many lines, or this long after its first line was read. */
export const BATCH_LINES = 500;
export const BATCH_MS = 200;
/** And at most about this many bytes of lines, so one push stays well inside a broker's 1 MiB batch. */
export const BATCH_BYTES = 256 * 1024;
/** Lines read but not yet sent before stdin is paused (the server is slower than the input). */
const MAX_PENDING = 10 * BATCH_LINES;

/** Read-time timestamps, strictly increasing even within one millisecond, so Loki keeps the order. */
function clock(): () => bigint {
  let last = 0n;
  return () => {
    const now = nowNs();
    last = now > last ? now : last + 1n;
    return last;
  };
}

/** How many of the first pending lines go in the next request (at least one). */
function batchLength(pending: readonly [string, string][]): number {
  let bytes = 0;
  let count = 0;
  while (count < pending.length && count < BATCH_LINES) {
    bytes += Buffer.byteLength(pending[count]?.[1] ?? '');
    if (bytes > BATCH_BYTES && count > 0) break;
    count += 1;
  }
  return count;
}

/** Resolves to 0 once every line is pushed; the count goes to stderr. Throws the server's error. */
export async function runPush(settings: PushSettings, context: CommandContext): Promise<number> {
  const url = apiUrl(settings.base, 'loki/api/v1/push');
  const lines = createInterface({
    input: context.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
    terminal: false,
  });
  const stamp = clock();
  const pending: [string, string][] = [];
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;
  let pushed = 0;
  let inputClosed = false;

  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    if (inFlight || pending.length === 0 || failure !== undefined) return;
    const values = pending.splice(0, batchLength(pending));
    inFlight = postJson(url, { streams: [{ stream: settings.labels, values }] })
      .then(
        () => {
          pushed += values.length;
        },
        (error: unknown) => {
          failure ??= error;
          lines.close();
        },
      )
      .finally(() => {
        inFlight = undefined;
        if (!inputClosed && pending.length < MAX_PENDING) lines.resume();
        // A full batch goes at once; a partial one waits for its timer (or the end of input).
        if (pending.length >= BATCH_LINES || inputClosed) send();
        else if (pending.length > 0) timer ??= setTimeout(send, BATCH_MS);
      });
  };

  const closed = new Promise<void>((done) =>
    lines.once('close', () => {
      inputClosed = true;
      done();
    }),
  );
  // Ctrl-C ends the input like Ctrl-D: what was read is still pushed. A second one exits at once.
  const interrupt = () => {
    process.once('SIGINT', () => process.exit(130));
    lines.close();
  };
  process.once('SIGINT', interrupt);
  lines.on('line', (line) => {
    if (failure !== undefined) return;
    pending.push([String(stamp()), line]);
    if (pending.length >= MAX_PENDING) lines.pause();
    if (pending.length >= BATCH_LINES) send();
    else timer ??= setTimeout(send, BATCH_MS);
  });
  await closed;
  while (failure === undefined && (inFlight || pending.length > 0)) {
    send();
    await inFlight;
  }
  clearTimeout(timer);
  process.off('SIGINT', interrupt);
  const labels = Object.entries(settings.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  context.stderr.write(`pushed ${pushed} line${pushed === 1 ? '' : 's'} to {${labels}}\n`);
  if (failure !== undefined) throw failure;
  return 0;
}
