// The matrix's regression rule and what it writes, without brokers: compare() against a baseline,
// finalize() for partial runs and for rows whose runtime is missing, and the rendered cells.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Outcome } from './execute.js';
import { type Cell, cellText, compare, finalize, type MatrixFile, renderMarkdown } from './report.js';
import { SCENARIO_IDS } from './scenarios.js';

const ok: Outcome = { ok: true, detail: 'fine' };
const bad: Outcome = { ok: false, detail: 'broke' };
const na: Outcome = { ok: null, detail: 'not supported by x: no API' };
const skip: Outcome = { ok: null, detail: 'skipped (no go)', skipped: true };

function file(rows: Record<string, Partial<Record<string, Cell>>>, generated = 'T1'): MatrixFile {
  const cells: MatrixFile['cells'] = {};
  for (const [client, row] of Object.entries(rows)) {
    cells[client] = Object.fromEntries(SCENARIO_IDS.map((id) => [id, row[id] ?? { kafka: ok, sluice: ok }]));
  }
  return {
    generated,
    kafka: { version: '4.3.1' },
    sluice: { version: '0.1.0' },
    node: 'v20',
    scenarios: [...SCENARIO_IDS],
    clients: Object.keys(rows).map((client) => ({ client, version: '1' })),
    cells,
    notes: [],
  };
}

describe('compatibility matrix report', () => {
  it('a cell that passed on Sluice and fails now is a regression; a Kafka failure is a broken scenario', () => {
    const before = file({ a: {}, b: { headers: { kafka: ok, sluice: bad } } });
    const now = file({
      a: { headers: { kafka: ok, sluice: bad }, 'delete-topic': { kafka: bad, sluice: bad } },
      b: {},
    });
    const c = compare(before, now);
    assert.equal(c.regressions.length, 2);
    assert.match(c.regressions[0], /^a × headers: broke/);
    assert.deepEqual(c.broken, ['a × delete-topic: broke']);
    assert.deepEqual(c.fixed, ['b × headers']);
  });

  it('without a baseline nothing is a regression, and not-supported stays not-supported', () => {
    const now = file({
      a: { headers: { kafka: na, sluice: na }, 'compression-gzip': { kafka: ok, sluice: bad } },
    });
    assert.deepEqual(compare(null, now).regressions, []);
    const before = file({ a: { headers: { kafka: na, sluice: na } } });
    assert.deepEqual(compare(before, file({ a: { headers: { kafka: na, sluice: na } } })).regressions, []);
  });

  it('a row skipped for a missing runtime is no regression and keeps the cells measured before', () => {
    const before = file({ go: { headers: { kafka: ok, sluice: bad } } }, 'T0');
    const skipped = Object.fromEntries(SCENARIO_IDS.map((id) => [id, { kafka: skip, sluice: skip }]));
    const now = file({ go: skipped });
    now.clients[0].skipped = 'skipped (no go)';
    const c = compare(before, now);
    assert.deepEqual(c.regressions, []);
    assert.deepEqual(c.unchecked, [
      `go: ${SCENARIO_IDS.length - 1} cell(s) that passed on Sluice, skipped (no go)`,
    ]);
    const out = finalize(before, now, { partial: false, kafkaRan: true });
    assert.deepEqual(out.cells.go.headers.sluice, bad);
    assert.equal(out.clients[0].carriedFrom, 'T0');
    assert.match(renderMarkdown(out), /carried over from the run of T0/);
  });

  it('a partial run keeps the other rows, and without the control keeps the Kafka halves', () => {
    const before = file({ a: {}, b: { 'compression-gzip': { kafka: na, sluice: na } } }, 'T0');
    const now = file({ b: { 'compression-gzip': { kafka: null, sluice: ok } } });
    const out = finalize(before, now, { partial: true, kafkaRan: false });
    assert.deepEqual(Object.keys(out.cells).sort(), ['a', 'b']);
    assert.deepEqual(out.cells.b['compression-gzip'], { kafka: na, sluice: ok });
    const full = finalize(before, now, { partial: false, kafkaRan: true });
    assert.deepEqual(Object.keys(full.cells), ['b']);
  });

  it('renders cells as Kafka/Sluice', () => {
    assert.equal(cellText({ kafka: ok, sluice: bad }), '✓/✗');
    assert.equal(cellText({ kafka: na, sluice: na }), '–');
    assert.equal(cellText({ kafka: null, sluice: ok }), '·/✓');
    assert.equal(cellText({ kafka: skip, sluice: skip }), 'skip');
  });
});
