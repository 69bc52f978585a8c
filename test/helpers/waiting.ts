// Small helpers every process-driving test needs: a free loopback port, and polling until
// something holds.

import { createServer } from 'node:net';

/** A port of 127.0.0.1 that was free a moment ago (for servers that cannot take port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Polls `check` until it returns a value or the time runs out (a failure bound, never a wait:
 * it returns as soon as the condition holds). Polls often at first, then every 250 ms.
 */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let pause = 10;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(250, pause * 2);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
