import type { Labels } from './samples.js';

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * Alertmanager's alert fingerprint: FNV-1a (64 bit) over the label names in order, each name and
 * value followed by the byte 0xff, printed as 16 hex digits. Receivers use it to de-duplicate.
 */
export function fingerprint(labels: Labels): string {
  let hash = OFFSET;
  const feed = (bytes: Uint8Array) => {
    for (const b of bytes) hash = ((hash ^ BigInt(b)) * PRIME) & MASK;
  };
  const separator = Uint8Array.of(0xff);
  const utf8 = new TextEncoder();
  for (const name of Object.keys(labels).sort()) {
    feed(utf8.encode(name));
    feed(separator);
    feed(utf8.encode(labels[name]));
    feed(separator);
  }
  return hash.toString(16).padStart(16, '0');
}
