// HTTP clients that misbehave on purpose against the platform (Loki API): worst-case queries and
// live tails that never read. Used by the isolation and soak benchmarks.

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { Hostile } from './kafka-hostiles.js';

/** A line whose match against `(a+)+$` backtracks exponentially in a backtracking engine. */
export const REDOS_LINE = `${'a'.repeat(28)}!`;
export const REDOS_QUERY = '{service="redos"} |~ "(a+)+$"';

/** Pushes lines through Loki's JSON push API. */
export async function pushLines(httpUrl: string, service: string, lines: string[]): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    streams: [{ stream: { service }, values: lines.map((l, i) => [String(now + BigInt(i)), l]) }],
  };
  const res = await fetch(`${httpUrl}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`push answered ${res.status}: ${await res.text()}`);
}

/**
 * `concurrency` loops that each run the worst-case regex query again as soon as the last one
 * answered (whatever the answer), until closed. Counts answers by status.
 */
export function queryLoop(httpUrl: string, query: string, concurrency: number) {
  const statuses = new Map<number, number>();
  let stopped = false;
  // One controller per request: fetch leaves a listener on the signal it is given.
  const inFlight = new Set<AbortController>();
  const url = `${httpUrl}/loki/api/v1/query_range?${new URLSearchParams({ query, since: '1h', limit: '100' })}`;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      const controller = new AbortController();
      inFlight.add(controller);
      try {
        const res = await fetch(url, { signal: controller.signal });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      } catch {
        if (!stopped) statuses.set(0, (statuses.get(0) ?? 0) + 1);
      } finally {
        inFlight.delete(controller);
      }
    }
  });
  return {
    statuses,
    async close() {
      stopped = true;
      for (const controller of inFlight) controller.abort();
      await Promise.allSettled(loops);
    },
  };
}

/**
 * WebSocket live tails that complete the upgrade handshake and then never read a byte: the
 * server's frames pile up in its send buffer.
 */
export async function stuckTails(httpUrl: string, query: string, count: number): Promise<Hostile> {
  const { hostname, port } = new URL(httpUrl);
  const sockets = new Set<Socket>();
  const path = `/loki/api/v1/tail?${new URLSearchParams({ query })}`;
  for (let i = 0; i < count; i++) {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: hostname, port: Number(port) }, () => resolve(s));
      s.once('error', reject);
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    sockets.add(socket);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    socket.pause();
  }
  return {
    name: 'live tails that never read',
    open: () => sockets.size,
    close() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}
