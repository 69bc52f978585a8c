import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimitedLog } from '../../src/errors/index.js';

/** A real sink that keeps what it is given. */
class Lines {
  readonly lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  warn(fields: object, message: string): void {
    this.lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message });
  }
  error(fields: object, message: string): void {
    this.lines.push({ level: 'error', fields: fields as Record<string, unknown>, message });
  }
}

describe('RateLimitedLog', () => {
  it('logs a repeated error once per interval, then one line with how many were held back', () => {
    let now = 50_000;
    const sink = new Lines();
    const log = new RateLimitedLog(sink, 10_000, () => now);
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

    assert.equal(log.error('append\0ENOSPC', full, 'append failed', { topic: 't' }), true);
    for (let i = 0; i < 2228; i++) {
      now += 1;
      assert.equal(log.error('append\0ENOSPC', full, 'append failed'), false);
    }
    assert.equal(
      log.warn('snapshot\0ENOSPC', full, 'snapshot failed'),
      true,
      'another key has its own interval',
    );
    assert.equal(sink.lines.length, 2);
    assert.deepEqual(sink.lines[0], {
      level: 'error',
      fields: { topic: 't', error: 'ENOSPC: no space left on device, write', suppressed: 0 },
      message: 'append failed',
    });
    assert.equal(sink.lines[1].level, 'warn');
    assert.ok(!('stack' in sink.lines[0].fields), 'no stack trace');

    now = 50_000 + 10_000; // one interval after the first line
    assert.equal(log.error('append\0ENOSPC', full, 'append failed'), true);
    assert.equal(sink.lines[2].fields.suppressed, 2228);
    now += 60_000;
    assert.equal(log.error('append\0ENOSPC', 'a string', 'append failed'), true);
    assert.equal(sink.lines[3].fields.suppressed, 0);
    assert.equal(sink.lines[3].fields.error, 'a string');
  });
});
