import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineBuffer, LineSplitter } from '../../../../src/logs/pino/line-buffer.js';

test('the buffer keeps order, is bounded by lines and bytes, and counts what it drops', () => {
  const buffer = new LineBuffer({ maxLines: 3, maxBytes: 100 });
  for (const line of ['a', 'b', 'c', 'd', 'e']) buffer.push(line);
  assert.equal(buffer.length, 3);
  assert.equal(buffer.dropped, 2);
  assert.deepEqual(buffer.peek(2, 1000), ['a', 'b']);
  buffer.shift(2);
  assert.deepEqual(buffer.peek(10, 1000), ['c']);
  buffer.force('report');
  assert.deepEqual(buffer.peek(10, 1000), ['c', 'report']);

  const bytes = new LineBuffer({ maxLines: 100, maxBytes: 10 });
  assert.equal(bytes.push('123456'), true);
  assert.equal(bytes.push('123456'), false);
  assert.equal(bytes.bytes, 6);
  // A batch is cut by size but always holds one line.
  const big = new LineBuffer({ maxLines: 10, maxBytes: 1000 });
  big.push('x'.repeat(300));
  big.push('y'.repeat(300));
  assert.equal(big.peek(10, 100).length, 1);
  assert.equal(big.peek(10, 700).length, 2);
});

test('the splitter joins lines across chunks', () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.feed('{"a":1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(splitter.feed(':2}\n\n{"c":3}\n'), ['{"b":2}', '{"c":3}']);
  assert.deepEqual(splitter.feed('tail'), []);
  assert.equal(splitter.rest(), 'tail');
  assert.equal(splitter.rest(), undefined);
});
