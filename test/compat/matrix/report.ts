// The matrix as data (docs/compatibility.json, also the regression baseline), as text for the
// terminal and as docs/compatibility.md; and the comparison with the previous baseline.

import type { Outcome } from './execute.js';
import { SCENARIOS } from './scenarios.js';

export interface Cell {
  kafka: Outcome | null; // null: the control did not run (--no-kafka)
  sluice: Outcome | null;
}

export interface MatrixFile {
  generated: string;
  kafka: { version: string };
  sluice: { version: string };
  node: string;
  scenarios: string[];
  /** skipped: why the client did not run here; carriedFrom: then its cells are from that run. */
  clients: Array<{ client: string; version: string; skipped?: string; carriedFrom?: string }>;
  /** cells[client][scenario] */
  cells: Record<string, Record<string, Cell>>;
  /** Things the reader should know about the run (a broker restarted after a crash, ...). */
  notes: string[];
}

export interface Comparison {
  /** ok on Sluice in the baseline, not ok now. */
  regressions: string[];
  /** Failing on Apache Kafka: the scenario (or adapter) is broken. */
  broken: string[];
  /** Not ok on Sluice in the baseline (or new), ok now. */
  fixed: string[];
  /** Per client: cells ok before, skipped now (a runtime is missing here); not a failure, but said. */
  unchecked: string[];
}

export function compare(baseline: MatrixFile | null, now: MatrixFile): Comparison {
  const c: Comparison = { regressions: [], broken: [], fixed: [], unchecked: [] };
  for (const [client, row] of Object.entries(now.cells)) {
    let unchecked = 0;
    let why = '';
    for (const s of SCENARIOS) {
      const cell = row[s.id];
      if (!cell) continue;
      const name = `${client} × ${s.id}`;
      const before = baseline?.cells[client]?.[s.id]?.sluice;
      if (cell.kafka?.ok === false) c.broken.push(`${name}: ${cell.kafka.detail}`);
      if (cell.sluice?.skipped) {
        if (before?.ok === true) unchecked += 1;
        why = cell.sluice.detail;
      } else if (before?.ok === true && cell.sluice?.ok !== true) {
        c.regressions.push(`${name}: ${cell.sluice?.detail ?? 'not run'}`);
      } else if (before && before.ok !== true && !before.skipped && cell.sluice?.ok === true) {
        c.fixed.push(name);
      }
    }
    if (unchecked) c.unchecked.push(`${client}: ${unchecked} cell(s) that passed on Sluice, ${why}`);
  }
  return c;
}

/**
 * What gets written: `now`, plus, for a partial run, the baseline's other rows (and its Kafka
 * halves when the control did not run); a row skipped here (runtime missing) keeps the baseline's
 * cells, so that a machine without Go does not erase what a machine with Go measured.
 */
export function finalize(
  baseline: MatrixFile | null,
  now: MatrixFile,
  { partial, kafkaRan }: { partial: boolean; kafkaRan: boolean },
): MatrixFile {
  if (!baseline) return now;
  const cells: MatrixFile['cells'] = partial ? { ...baseline.cells } : {};
  const clients = partial ? [...baseline.clients] : [];
  for (const c of now.clients) {
    let entry = c;
    let row = { ...now.cells[c.client] };
    const before = baseline.cells[c.client];
    const measured = before && Object.values(before).some((cell) => !cell.sluice?.skipped);
    if (c.skipped && measured) {
      const old = baseline.clients.find((b) => b.client === c.client);
      row = before;
      entry = {
        ...c,
        version: old?.version ?? c.version,
        carriedFrom: old?.carriedFrom ?? baseline.generated,
      };
    } else if (!kafkaRan) {
      for (const id of Object.keys(row)) row[id] = { ...row[id], kafka: before?.[id]?.kafka ?? null };
    }
    const i = clients.findIndex((b) => b.client === c.client);
    if (i >= 0) clients[i] = entry;
    else clients.push(entry);
    cells[c.client] = row;
  }
  const kafka = kafkaRan ? now.kafka : baseline.kafka;
  return { ...now, kafka, clients, cells };
}

function mark(o: Outcome | null | undefined): string {
  if (!o) return '·';
  if (o.ok === true) return '✓';
  if (o.ok === false) return '✗';
  return '–';
}

export function cellText(cell: Cell | undefined): string {
  if (!cell) return ' ';
  if (cell.sluice?.skipped) return 'skip';
  const k = mark(cell.kafka);
  const s = mark(cell.sluice);
  return k === '–' && s === '–' ? '–' : `${k}/${s}`;
}

/** The matrix for the terminal: one row per client, one numbered column per scenario. */
export function renderText(m: MatrixFile): string {
  const width = Math.max(...m.clients.map((c) => c.client.length), 6);
  const head = `${'client'.padEnd(width)} ${SCENARIOS.map((_, i) => String(i + 1).padStart(4)).join(' ')}`;
  const rows = m.clients.map(
    (c) =>
      `${c.client.padEnd(width)} ${SCENARIOS.map((s) => (c.skipped ? 'skip' : cellText(m.cells[c.client]?.[s.id])).padStart(4)).join(' ')}`,
  );
  const legend = SCENARIOS.map((s, i) => `${i + 1} ${s.id}`).join(', ');
  return [
    head,
    ...rows,
    '',
    `cells: Kafka/Sluice; ✓ ok, ✗ failed, – not supported by the client, · not run`,
    legend,
  ].join('\n');
}

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(m: MatrixFile): string {
  const out: string[] = [];
  out.push('# Compatibility matrix', '');
  out.push(
    'Real Kafka clients that nobody here wrote, each running the same scenarios against Apache Kafka',
    '(the control: a scenario failing there is a broken scenario) and then against Sluice.',
    'Generated by `npm run compat` (test/compat/matrix/run.ts); do not edit by hand.',
    '',
  );
  out.push(`- Generated: ${m.generated}`);
  out.push(`- Apache Kafka: ${m.kafka.version} (KRaft single node on 127.0.0.1, scripts/peers/kafka.sh)`);
  out.push(`- Sluice: ${m.sluice.version}; Node.js ${m.node}`);
  out.push(
    '- Both brokers give auto-created topics 3 partitions (`num.partitions=3`, `--default-partitions 3`).',
  );
  for (const n of m.notes) out.push(`- Note: ${n}`);
  out.push('', '## Matrix', '');
  out.push('Cell: result on Apache Kafka / result on Sluice. ✓ passed, ✗ failed, – the client cannot do it,');
  out.push("· not run, skip: the client's runtime is not installed where this was generated.", '');
  out.push(`| client | version | ${SCENARIOS.map((s) => s.short).join(' | ')} |`);
  out.push(`|---|---|${SCENARIOS.map(() => ':-:').join('|')}|`);
  for (const c of m.clients) {
    const cells = SCENARIOS.map((s) => cellText(m.cells[c.client]?.[s.id]));
    const version = c.carriedFrom
      ? `${c.version} (not run: ${c.skipped}; cells of ${c.carriedFrom})`
      : c.version;
    out.push(`| ${esc(c.client)} | ${esc(version)} | ${cells.join(' | ')} |`);
  }
  out.push('', '## Scenarios', '');
  SCENARIOS.forEach((s, i) => {
    out.push(`${i + 1}. \`${s.id}\` (${s.short}): ${s.description.replace(/`P-/g, '`<prefix>-')}`);
  });
  const failing: string[] = [];
  const unsupported: string[] = [];
  for (const c of m.clients) {
    for (const s of SCENARIOS) {
      const cell = m.cells[c.client]?.[s.id];
      if (!cell || cell.sluice?.skipped) continue;
      if (cell.kafka?.ok === false || cell.sluice?.ok === false) {
        failing.push(
          `| ${esc(c.client)} | \`${s.id}\` | ${mark(cell.kafka)} ${esc(cell.kafka?.detail ?? 'not run')} | ${mark(cell.sluice)} ${esc(cell.sluice?.detail ?? 'not run')} |`,
        );
      } else if (cell.sluice?.ok === null && cell.kafka?.ok !== true) {
        unsupported.push(`| ${esc(c.client)} | \`${s.id}\` | ${esc(cell.sluice.detail)} |`);
      }
    }
  }
  out.push('', '## Failures', '');
  if (failing.length === 0) out.push('None: every cell that the client supports passes on both brokers.');
  else out.push('| client | scenario | Apache Kafka | Sluice |', '|---|---|---|---|', ...failing);
  out.push('', '## Not supported by the client', '');
  if (unsupported.length === 0) out.push('None.');
  else out.push('| client | scenario | why |', '|---|---|---|', ...unsupported);
  const skipped = m.clients.filter((c) => c.skipped);
  if (skipped.length) {
    out.push('', '## Skipped', '');
    for (const c of skipped) {
      const carried = c.carriedFrom ? `; its cells are carried over from the run of ${c.carriedFrom}` : '';
      out.push(`- ${c.client}: ${c.skipped}${carried}`);
    }
  }
  out.push('', '## Every result', '');
  out.push('What each adapter reported (its own words: what it measured, or how it fell short).', '');
  for (const c of m.clients.filter((x) => !x.skipped || x.carriedFrom)) {
    out.push(`<details><summary>${c.client} ${c.version}</summary>`, '');
    out.push('| scenario | Apache Kafka | Sluice |', '|---|---|---|');
    for (const s of SCENARIOS) {
      const cell = m.cells[c.client]?.[s.id];
      const half = (o: Outcome | null | undefined): string => `${mark(o)} ${esc(o?.detail ?? 'not run')}`;
      out.push(`| \`${s.id}\` | ${half(cell?.kafka)} | ${half(cell?.sluice)} |`);
    }
    out.push('', '</details>', '');
  }
  out.push('', '## Running it', '');
  out.push(
    '`npm run compat` builds, installs Apache Kafka from Maven Central if it is missing, runs every',
    'adapter against Kafka and then against `sluice start` (the whole platform), prints the matrix and rewrites this page',
    'and docs/compatibility.json. It exits 1 when a cell that passed on Sluice in the committed',
    'docs/compatibility.json fails now, or when a scenario fails on Kafka (a broken scenario).',
    '',
    '- `npm run compat -- --only kcat,kafkajs` runs some clients (the page keeps the other rows);',
    '- `--no-kafka` skips the control (quick; the Kafka halves come from the baseline);',
    '- `--update` writes the baseline even with regressions (after fixing or accepting them).',
    '',
    'Partial runs (`--only`, `--no-kafka`) print the matrix but write the files only with `--update`.',
    "Each run keeps every adapter's output and the Sluice broker's log in a temporary directory it names.",
    '',
  );
  return out.join('\n');
}
