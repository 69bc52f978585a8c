// RabbitMQ topic-exchange matching: explicit edge cases from RabbitMQ's semantics (empty words,
// the empty key, `#` alone, `a.#` matching `a`), then every pattern and key over a small alphabet
// against an independent recursive definition.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTopicPattern, splitWords } from '../../../src/pipeline/routing/topic-pattern.js';

const match = (pattern: string, key: string) => compileTopicPattern(pattern).matches(key);

/** The definition, written as directly as it reads: `#` takes zero or more words, `*` one. */
function oracle(p: readonly string[], k: readonly string[]): boolean {
  if (p.length === 0) return k.length === 0;
  if (p[0] === '#') return oracle(p.slice(1), k) || (k.length > 0 && oracle(p, k.slice(1)));
  if (k.length === 0) return false;
  return (p[0] === '*' || p[0] === k[0]) && oracle(p.slice(1), k.slice(1));
}

describe('topic routing keys', () => {
  it('split into words as RabbitMQ does: the empty key has none, empty words count', () => {
    assert.deepEqual(splitWords(''), []);
    assert.deepEqual(splitWords('a'), ['a']);
    assert.deepEqual(splitWords('a.b'), ['a', 'b']);
    assert.deepEqual(splitWords('a.'), ['a', '']);
    assert.deepEqual(splitWords('.a'), ['', 'a']);
    assert.deepEqual(splitWords('.'), ['', '']);
    assert.deepEqual(splitWords('a..b'), ['a', '', 'b']);
  });
});

describe('topic patterns', () => {
  it('# alone matches every key, the empty one too', () => {
    for (const key of ['', 'a', 'a.b.c', '.', 'a..b']) assert.equal(match('#', key), true, key);
  });

  it('a.# matches a itself and everything below it, not a prefix of a word', () => {
    assert.equal(match('a.#', 'a'), true);
    assert.equal(match('a.#', 'a.b'), true);
    assert.equal(match('a.#', 'a.b.c'), true);
    assert.equal(match('a.#', 'a.'), true);
    assert.equal(match('a.#', 'ab'), false);
    assert.equal(match('a.#', 'b.a'), false);
    assert.equal(match('a.#', ''), false);
  });

  it('#.a and #.a.# match a anywhere as a whole word', () => {
    assert.equal(match('#.a', 'a'), true);
    assert.equal(match('#.a', 'x.y.a'), true);
    assert.equal(match('#.a', 'a.x'), false);
    assert.equal(match('#.a.#', 'x.a.y'), true);
    assert.equal(match('#.a.#', 'a'), true);
    assert.equal(match('#.a.#', 'xa.y'), false);
  });

  it('* matches exactly one word, which may be empty, and never the empty key', () => {
    assert.equal(match('*', 'a'), true);
    assert.equal(match('*', ''), false);
    assert.equal(match('*', 'a.b'), false);
    assert.equal(match('*', '.'), false);
    assert.equal(match('a.*', 'a.'), true);
    assert.equal(match('a.*', 'a'), false);
    assert.equal(match('*.*', '.'), true);
    assert.equal(match('*.b', '.b'), true);
    assert.equal(match('a.*.c', 'a..c'), true);
    assert.equal(match('a.*.c', 'a.c'), false);
  });

  it('* and # together', () => {
    assert.equal(match('*.#', ''), false);
    assert.equal(match('*.#', 'a'), true);
    assert.equal(match('#.*', 'a.b.c'), true);
    assert.equal(match('*.#.*', 'a'), false);
    assert.equal(match('*.#.*', 'a.b'), true);
    assert.equal(match('a.#.b.#.c', 'a.b.c'), true);
    assert.equal(match('a.#.b.#.c', 'a.x.b.y.z.c'), true);
    assert.equal(match('a.#.b.#.c', 'a.c.b'), false);
  });

  it('a pattern without wildcards is the key itself; the empty pattern matches only the empty key', () => {
    assert.equal(match('orders.created', 'orders.created'), true);
    assert.equal(match('orders.created', 'orders.created.eu'), false);
    assert.equal(match('', ''), true);
    assert.equal(match('', 'a'), false);
    assert.equal(match('a*', 'a*'), true);
    assert.equal(match('a*', 'ab'), false);
  });

  it('many # stay fast (no exponential backtracking)', () => {
    const pattern = Array.from({ length: 40 }, () => '#.a').join('.') + '.b';
    const key = Array.from({ length: 2000 }, () => 'a').join('.');
    assert.equal(match(pattern, key), false);
  });

  it('agrees with the definition on every pattern and key over a small alphabet', () => {
    const words = ['a', 'b', ''];
    const strings = (alphabet: string[], max: number): string[] => {
      const out = new Set<string>();
      const grow = (parts: string[]) => {
        out.add(parts.join('.'));
        if (parts.length < max) for (const w of alphabet) grow([...parts, w]);
      };
      for (const w of alphabet) grow([w]);
      return [...out];
    };
    const keys = strings(words, 4);
    const patterns = strings([...words, '*', '#'], 4);
    let checked = 0;
    for (const pattern of patterns) {
      const compiled = compileTopicPattern(pattern);
      for (const key of keys) {
        assert.equal(
          compiled.matches(key),
          oracle(splitWords(pattern), splitWords(key)),
          `${pattern} ~ ${key}`,
        );
        checked++;
      }
    }
    assert.ok(checked > 90_000, String(checked));
  });
});
