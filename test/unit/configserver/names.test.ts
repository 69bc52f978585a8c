// Property keys are Spring Boot property names; anything else is refused with the key named.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKey, splitAppProfile } from '../../../src/configserver/index.js';

describe('config key names', () => {
  it('accepts dotted words with list indexes', () => {
    for (const key of ['greeting', 'spring.datasource.url', 'servers[0].host', 'a_b-c.d[12][3]', 'X1']) {
      assert.equal(checkKey(key), key);
    }
  });

  it('refuses anything else, naming the key', () => {
    for (const key of ['', '.a', 'a.', 'a..b', 'a b', 'a[x]', 'a[]', 'a=b', 'a/b', 'ä', 'a'.repeat(257)]) {
      assert.throws(
        () => checkKey(key),
        (err: Error & { details?: { key?: string } }) =>
          err.details?.key === key && /illegal key/.test(err.message),
        key,
      );
    }
  });

  it('splits APP[,PROFILE], the profile defaulting to default', () => {
    assert.deepEqual(splitAppProfile('orders'), { application: 'orders', profile: 'default' });
    assert.deepEqual(splitAppProfile('orders,dev'), { application: 'orders', profile: 'dev' });
    assert.throws(() => splitAppProfile('orders,'), /illegal profile/);
    assert.throws(() => splitAppProfile('or ders'), /illegal application/);
  });
});
