import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RepeatThrottle } from '../../src/errors/index.js';

describe('RepeatThrottle', () => {
  it('admits the first of a kind, then one per interval with the count held back', () => {
    let now = 1_000;
    const throttle = new RepeatThrottle(10_000, () => now);
    assert.equal(throttle.admit('append\0ENOSPC'), 0);
    for (let i = 0; i < 500; i++) assert.equal(throttle.admit('append\0ENOSPC'), undefined);
    assert.equal(throttle.admit('append\0EIO'), 0, 'another kind is not held back');
    now += 9_999;
    assert.equal(throttle.admit('append\0ENOSPC'), undefined);
    now += 1;
    assert.equal(throttle.admit('append\0ENOSPC'), 501);
    now += 60_000;
    assert.equal(throttle.admit('append\0ENOSPC'), 0);
  });
});
