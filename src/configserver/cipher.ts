// `{cipher}` values as Spring Cloud Config writes and reads them with a symmetric key (ENCRYPT_KEY):
// Spring Security's `Encryptors.text(key, salt)`, i.e. AES-256-CBC with a key derived by
// PBKDF2-HMAC-SHA1 (1024 rounds) from the key and the hex salt (Spring's default `deadbeef`), a
// random 16-byte IV before the cipher text, all hex-encoded. A value Spring's server encrypted
// decrypts here and the other way round.

import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { SluiceError } from '../errors/index.js';

export const CIPHER_PREFIX = '{cipher}';
const DEFAULT_SALT = 'deadbeef';
const IV_BYTES = 16;

export class TextCipher {
  readonly #key: Buffer;

  constructor(secret: string, saltHex: string = DEFAULT_SALT) {
    if (!/^([0-9a-fA-F]{2})+$/.test(saltHex)) {
      throw new SluiceError('INVALID_CONFIG', `ENCRYPT_SALT must be hex, got '${saltHex}'`);
    }
    this.#key = pbkdf2Sync(Buffer.from(secret, 'utf8'), Buffer.from(saltHex, 'hex'), 1024, 32, 'sha1');
  }

  /** From ENCRYPT_KEY (and ENCRYPT_SALT), as Spring's `encrypt.key`; undefined when no key is set. */
  static fromEnv(env: NodeJS.ProcessEnv): TextCipher | undefined {
    const key = env.ENCRYPT_KEY;
    if (key === undefined || key === '') return undefined;
    return new TextCipher(key, env.ENCRYPT_SALT || DEFAULT_SALT);
  }

  encrypt(text: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-cbc', this.#key, iv);
    return Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final()]).toString('hex');
  }

  /** Throws INVALID_ARGUMENT when `hex` was not encrypted with this key. */
  decrypt(hex: string): string {
    const data = /^([0-9a-fA-F]{2})+$/.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(0);
    if (data.length < IV_BYTES * 2 || data.length % IV_BYTES !== 0) throw notOurs();
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.#key, data.subarray(0, IV_BYTES));
      return Buffer.concat([decipher.update(data.subarray(IV_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw notOurs();
    }
  }
}

const notOurs = () =>
  new SluiceError('INVALID_ARGUMENT', 'text not encrypted with this key', {
    hint: 'encrypt it with this server (POST /encrypt) or the same ENCRYPT_KEY and ENCRYPT_SALT',
  });

export const isCipherText = (value: string) => value.startsWith(CIPHER_PREFIX);
