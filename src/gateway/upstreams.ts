// Keep-alive connection pools to upstreams (undici), one per origin and connect timeout.

import { Pool } from 'undici';

/** Idle upstream connections are kept this long (undici's keep-alive, unless the upstream says less). */
const KEEP_ALIVE_MS = 30_000;

export class Upstreams {
  readonly #pools = new Map<string, Pool>();

  pool(origin: string, connectTimeoutMs: number): Pool {
    const key = `${origin} ${connectTimeoutMs}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connectTimeout: connectTimeoutMs > 0 ? connectTimeoutMs : 0,
        keepAliveTimeout: KEEP_ALIVE_MS,
        // Timeouts are set per request, from the route.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }
}
