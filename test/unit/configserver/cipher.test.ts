// `{cipher}` values: AES-256-CBC with a PBKDF2-derived key and a random IV, hex, as Spring's
// `Encryptors.text(key, salt)`; a value encrypted with another key or salt is refused.

import assert from 'node:assert/strict';
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { describe, it } from 'node:test';
import { TextCipher } from '../../../src/configserver/index.js';

describe('TextCipher', () => {
  it('round-trips, with a fresh IV each time', () => {
    const cipher = new TextCipher('my-key');
    const a = cipher.encrypt('s3cret');
    const b = cipher.encrypt('s3cret');
    assert.notEqual(a, b);
    assert.match(a, /^[0-9a-f]+$/);
    assert.equal(a.length, 64, '16 bytes of IV and one 16-byte block, in hex');
    assert.equal(cipher.decrypt(a), 's3cret');
    assert.equal(cipher.decrypt(b), 's3cret');
  });

  it("lays the bytes out as Spring's AesBytesEncryptor: IV then AES-256-CBC under PBKDF2-SHA1(key, salt, 1024)", () => {
    const hex = new TextCipher('my-key').encrypt('hello, spring');
    const data = Buffer.from(hex, 'hex');
    const key = pbkdf2Sync('my-key', Buffer.from('deadbeef', 'hex'), 1024, 32, 'sha1');
    const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
    assert.equal(plain, 'hello, spring');
  });

  it('refuses text from another key or salt, and text that is not hex', () => {
    const hex = new TextCipher('my-key').encrypt('s3cret');
    assert.throws(() => new TextCipher('other-key').decrypt(hex), /not encrypted with this key/);
    assert.throws(() => new TextCipher('my-key', 'cafe').decrypt(hex), /not encrypted with this key/);
    assert.throws(() => new TextCipher('my-key').decrypt('zz'), /not encrypted with this key/);
  });

  it('reads the key from ENCRYPT_KEY only when it is set', () => {
    assert.equal(TextCipher.fromEnv({}), undefined);
    assert.equal(TextCipher.fromEnv({ ENCRYPT_KEY: '' }), undefined);
    const cipher = TextCipher.fromEnv({ ENCRYPT_KEY: 'k', ENCRYPT_SALT: 'abcd' });
    assert.equal(cipher?.decrypt(new TextCipher('k', 'abcd').encrypt('x')), 'x');
  });
});
