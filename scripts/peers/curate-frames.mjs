// Picks a small golden set from frames recorded by test/compat/record-proxy.js.
//
//   node scripts/peers/curate-frames.mjs RAW_DIR OUT_DIR [--max-bytes 32768]
//
// RAW_DIR/<client>/ holds a proxy's output (frames + index.jsonl). For every client and every
// api/version seen, keeps one request/response pair: the largest one (request + response) that,
// with each frame within --max-bytes (so Metadata lists topics, Fetch and Produce carry records,
// but nothing is huge). Writes OUT_DIR/<client>/<Api>-v<version>-{req,res}-000.bin and
// OUT_DIR/<client>/index.json, replacing what was there for that client.

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const maxIdx = args.indexOf('--max-bytes');
const maxBytes = maxIdx >= 0 ? Number(args.splice(maxIdx, 2)[1]) : 32 * 1024;
const [rawDir, outDir] = args;
if (!rawDir || !outDir) {
  console.error('usage: curate-frames.mjs RAW_DIR OUT_DIR [--max-bytes N]');
  process.exit(2);
}

let total = 0;
for (const client of readdirSync(rawDir).sort()) {
  const indexPath = join(rawDir, client, 'index.jsonl');
  if (!existsSync(indexPath)) continue;
  const entries = readFileSync(indexPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const best = new Map();
  const skipped = new Set();
  for (const e of entries) {
    const stem = `${e.api}-v${e.version}`;
    if (e.res === null || e.reqBytes > maxBytes || e.resBytes > maxBytes) {
      skipped.add(stem);
      continue;
    }
    const b = best.get(stem);
    if (!b || e.reqBytes + e.resBytes > b.reqBytes + b.resBytes) best.set(stem, e);
  }
  const dest = join(outDir, client);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const index = [];
  const ordered = [...best.entries()].sort(([, a], [, b]) => a.apiKey - b.apiKey || a.version - b.version);
  for (const [stem, e] of ordered) {
    const req = `${stem}-req-000.bin`;
    const res = `${stem}-res-000.bin`;
    copyFileSync(join(rawDir, client, e.req), join(dest, req));
    copyFileSync(join(rawDir, client, e.res), join(dest, res));
    total += e.reqBytes + e.resBytes;
    index.push({
      apiKey: e.apiKey,
      api: e.api,
      version: e.version,
      request: req,
      response: res,
      correlationId: e.correlationId,
      clientId: e.clientId,
    });
  }
  writeFileSync(join(dest, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  const missing = [...skipped].filter((s) => !best.has(s));
  console.log(
    `${client}: ${index.map((e) => `${e.api} v${e.version}`).join(', ')}` +
      (missing.length ? `\n  (no small answered pair for: ${missing.join(', ')})` : ''),
  );
}
console.log(`frames: ${(total / 1024).toFixed(1)} KiB in ${outDir}`);
