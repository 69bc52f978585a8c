// Record bytes to text without losing lines: invalid UTF-8 becomes U+FFFD in the text (the topic
// still holds the original bytes, and small ones are also kept base64 in the entry's metadata).

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Bytes up to this size that are not valid UTF-8 are also kept base64 in metadata. */
export const MAX_RAW_COPY = 64 * 1024;

export interface DecodedText {
  text: string;
  /** 'invalid_utf8' when bytes had to be replaced; 'binary' when the bytes do not look like text. */
  problem?: 'invalid_utf8' | 'binary';
}

/** Control characters other than tab, newline, carriage return and escape (ANSI colours). */
function looksBinary(bytes: Uint8Array): boolean {
  let control = 0;
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b) control++;
  }
  return control > n / 10;
}

export function decodeText(bytes: Uint8Array): DecodedText {
  if (looksBinary(bytes)) return { text: lenient.decode(bytes), problem: 'binary' };
  try {
    return { text: strict.decode(bytes) };
  } catch {
    return { text: lenient.decode(bytes), problem: 'invalid_utf8' };
  }
}

/** The line without one trailing newline (rsyslog's templates and many shippers end lines with one). */
export function trimNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
