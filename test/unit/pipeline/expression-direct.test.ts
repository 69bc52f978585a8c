// The direct evaluator against jsonata itself: over generated expressions and values, wherever the
// direct form answers, its answer is jsonata's; where jsonata fails, the direct form steps aside.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsonata from 'jsonata';
import { compileDirect, OUTSIDE } from '../../../src/pipeline/expression-direct.js';

const VARIABLES = ['key', 'headers', 'topic', 'partition', 'offset', 'timestamp'];
const BINDINGS: Record<string, unknown> = {
  key: 'k-1',
  headers: { source: 'web', empty: '' },
  topic: 'orders',
  partition: 3,
  offset: 42,
  timestamp: 1_700_000_000_000,
};

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = ['a', 'b', 'n', 's', 'o', 'arr', 'nil', 'missing'];
const SCALARS: unknown[] = [0, 1, 2.5, -2.5, 0.5, 3, -7, 1e300, 'x', '', 'Hello', true, null];

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

function value(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 0 && r < 0.2) {
    const o: Record<string, unknown> = {};
    for (const f of FIELDS) if (f !== 'missing' && rnd() < 0.6) o[f] = value(rnd, depth - 1);
    return o;
  }
  if (depth > 0 && r < 0.27) return [value(rnd, 0), value(rnd, 0)];
  return pick(rnd, SCALARS);
}

function expression(rnd: () => number, depth: number): string {
  const leaf = () => {
    const r = rnd();
    if (r < 0.45) {
      const steps = 1 + Math.floor(rnd() * 2);
      return Array.from({ length: steps }, () => pick(rnd, FIELDS)).join('.');
    }
    if (r < 0.6) return pick(rnd, ['$', '$$', '$key', '$headers.source', '$partition', '$offset', '$topic']);
    if (r < 0.75) return pick(rnd, ['1', '2.5', '0', '3', '"x"', '"Hello"', 'true', 'null', '1.2']);
    if (r < 0.9) return pick(rnd, ['arr', 'arr.n', 'o.arr']); // arrays at run time: jsonata's
    return pick(rnd, ['$nope', 'a[0]', '$string(n)', '*']); // outside the subset
  };
  if (depth === 0 || rnd() < 0.3) return leaf();
  const sub = () => expression(rnd, depth - 1);
  const r = rnd();
  if (r < 0.35) {
    const op = pick(rnd, ['+', '-', '*', '/', '%', '&', '=', '!=', '<', '<=', '>', '>=', 'and', 'or']);
    return `(${sub()} ${op} ${sub()})`;
  }
  if (r < 0.45) return `(${sub()} ? ${sub()}${rnd() < 0.7 ? ` : ${sub()}` : ''})`;
  if (r < 0.5) return `-(${sub()})`;
  if (r < 0.62) return `{"p": ${sub()}, "q": ${sub()}}`;
  if (r < 0.72) return `$merge([${sub()}, {"r": ${sub()}}])`;
  const fn = pick(rnd, ['round', 'lowercase', 'uppercase', 'exists', 'boolean', 'not', 'merge']);
  return `$${fn}(${sub()})`;
}

type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

async function viaJsonata(source: string, input: unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await jsonata(source).evaluate(input, BINDINGS) };
  } catch (error) {
    return { ok: false, code: String((error as { code?: string }).code ?? error) };
  }
}

/** JSON as jsonata's result reads once written out (what a pipeline emits), plus undefined. */
function normal(v: unknown): unknown {
  return v === undefined ? 'undefined' : JSON.parse(JSON.stringify(v));
}

test('the direct form answers as jsonata does over 4,000 generated expressions and values', async () => {
  const rnd = random(20261207);
  let compared = 0;
  let direct = 0;
  let stepped = 0;
  for (let i = 0; i < 4_000; i++) {
    const source = expression(rnd, 3);
    const input = value(rnd, 2);
    const compiled = compileDirect(jsonata(source).ast(), VARIABLES);
    const expected = await viaJsonata(source, input);
    if (compiled === undefined) continue;
    compared++;
    let got: unknown;
    try {
      got = compiled(input, (name) => BINDINGS[name]);
    } catch (error) {
      if (error !== OUTSIDE) throw error;
      stepped++;
      continue;
    }
    direct++;
    assert.ok(
      expected.ok,
      `${source} on ${JSON.stringify(input)}: jsonata failed (${!expected.ok && expected.code}) but the direct form answered ${JSON.stringify(got)}`,
    );
    assert.deepEqual(normal(got), normal(expected.value), `${source} on ${JSON.stringify(input)}`);
    // The exact shape too: plain values, objects without a prototype as jsonata builds them.
    if (
      typeof got === 'object' &&
      got !== null &&
      typeof expected.value === 'object' &&
      expected.value !== null
    ) {
      assert.equal(Object.getPrototypeOf(got), Object.getPrototypeOf(expected.value), source);
    }
  }
  // The generator must exercise both ways, or the comparison above proves little.
  assert.ok(direct > 1_000, `only ${direct} of ${compared} compiled evaluations answered directly`);
  assert.ok(stepped > 100, `only ${stepped} evaluations stepped aside`);
});

const GRID: unknown[] = [undefined, 0, 1, 2.5, -2.5, 'x', '', 'y', true, false, null, { k: 1 }, {}, [1], []];

test('every operator and function answers as jsonata does on every pair of sample values', async () => {
  const ops = ['+', '-', '*', '/', '%', '&', '=', '!=', '<', '<=', '>', '>=', 'and', 'or'];
  const sources = [
    ...ops.map((op) => `a ${op} b`),
    ...['round', 'lowercase', 'uppercase', 'exists', 'boolean', 'not', 'merge'].map((f) => `$${f}(a)`),
    '-a',
    'a ? b : 7',
    '{"a": a, "b": b}',
    '$merge([a, b])',
  ];
  let direct = 0;
  for (const source of sources) {
    const compiled = compileDirect(jsonata(source).ast(), VARIABLES);
    assert.ok(compiled, source);
    for (const a of GRID) {
      for (const b of GRID) {
        const input: Record<string, unknown> = {};
        if (a !== undefined) input.a = a;
        if (b !== undefined) input.b = b;
        const expected = await viaJsonata(source, input);
        let got: unknown;
        try {
          got = compiled(input, (name) => BINDINGS[name]);
        } catch (error) {
          if (error !== OUTSIDE) throw error;
          continue;
        }
        direct++;
        const where = `${source} with a=${JSON.stringify(a)}, b=${JSON.stringify(b)}`;
        assert.ok(
          expected.ok,
          `${where}: jsonata failed (${!expected.ok && expected.code}), direct answered`,
        );
        assert.deepEqual(normal(got), normal(expected.value), where);
      }
    }
  }
  assert.ok(direct > 2_000, `only ${direct} answered directly`);
});

test('$round takes halves to the even neighbour, as jsonata does', async () => {
  const round = compileDirect(jsonata('$round(n)').ast(), VARIABLES);
  assert.ok(round);
  for (const n of [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3.5, 1e15 + 0.5, 123.456]) {
    const expected = await jsonata('$round(n)').evaluate({ n });
    assert.equal(
      round({ n }, () => undefined),
      expected,
      `$round(${n})`,
    );
  }
  assert.ok(
    Object.is(
      round({ n: -0.4 }, () => undefined),
      0,
    ),
    '-0 is written 0',
  );
});

test('expressions outside the subset are not compiled', () => {
  for (const source of [
    'a[0]',
    'a.b[c > 1]',
    '$string(n)',
    '$round(n, 2)',
    'items.(price * qty)',
    '$sum(items.price)',
    '{"a": 1, "a": 2}',
    '$x := 1',
    '$nope',
    'a ~> $uppercase',
    '**.a',
    '[a, b]',
    '$merge([[a], b])',
  ]) {
    assert.equal(compileDirect(jsonata(source).ast(), VARIABLES), undefined, source);
  }
});

test('the bench pipeline transform is compiled and equals jsonata on an order', async () => {
  const source = '$merge([$, {"total": $round(amount * 1.2), "route": type & "." & region}])';
  const compiled = compileDirect(jsonata(source).ast(), VARIABLES);
  assert.ok(compiled);
  const order = { id: 'o-1', type: 'order', region: 'eu', amount: 103, items: [{ sku: 'a', qty: 1 }] };
  const expected = await jsonata(source).evaluate(order);
  assert.deepEqual(
    compiled(order, () => undefined),
    expected,
  );
  assert.throws(
    () => compiled({ ...order, amount: '103' }, () => undefined),
    (error) => error === OUTSIDE,
    'a string amount is for jsonata to refuse',
  );
});
