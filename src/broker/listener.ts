import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Fetch } from '../protocol/index.js';
import type { ResolvedBrokerOptions } from './config.js';
import { type CloseReason, Connection, type ConnectionEnv, type FrameHandler } from './connection.js';
import { ConnectionLimits } from './connection-limits.js';
import { type BrokerMetrics, type NetworkStats, registerNetworkMetrics } from './metrics/index.js';
import { RequestMemoryPool } from './request-memory.js';

/** Requests per connection queued or handled before reading pauses. */
const MAX_IN_FLIGHT = 64;

export interface Listener {
  readonly server: Server;
  readonly port: number;
  readonly stats: NetworkStats;
  /** Stops accepting and closes every connection. */
  close(): void;
}

/**
 * The Kafka port: accepts connections within max.connections (and per client address), shares
 * the request memory budget between them and closes those that stay idle or send a frame too slowly.
 */
export async function listen(
  options: ResolvedBrokerOptions,
  handle: FrameHandler,
  metrics: BrokerMetrics,
  registry: Registry | undefined,
  log: Logger,
  responses: { unsent: number },
): Promise<Listener> {
  /** Open connections, with the client address their place in `limits` was counted under. */
  const connections = new Map<Connection, string>();
  const limits = new ConnectionLimits(options.maxConnections, options.maxConnectionsPerIp);
  const pool = new RequestMemoryPool(options.queuedMaxRequestBytes);
  const env: ConnectionEnv = {
    limits: {
      maxRequestBytes: options.maxRequestBytes,
      maxInFlight: MAX_IN_FLIGHT,
      maxUnsentResponseBytes: options.maxUnsentResponseBytes,
      frameTimeoutMs: options.requestFrameTimeoutMs,
      idleTimeoutMs: options.connectionsMaxIdleMs,
    },
    pool,
    responses,
    handle,
    // The request API key is the frame's first int16.
    startsAlone: (frame) => frame.length >= 2 && frame.readInt16BE(0) === Fetch.key,
    now: () => performance.now(),
    onClose(connection, reason: CloseReason) {
      const address = connections.get(connection);
      if (address === undefined) return;
      connections.delete(connection);
      limits.release(address);
      metrics.connectionClosed(reason);
    },
    log,
  };

  const server = createServer((socket) => {
    const address = socket.remoteAddress;
    // Gone before it could be handled (reset at once): nothing to count or serve.
    if (address === undefined) return void socket.destroy();
    const refused = limits.admit(address);
    if (refused) {
      log.debug({ remote: `${address}:${socket.remotePort}`, limit: refused }, 'connection refused');
      return void socket.destroy();
    }
    connections.set(new Connection(socket, env), address);
    metrics.connectionOpened();
  });
  server.listen(options.port, options.host);
  // Rejects with the listen error (EADDRINUSE, ...) if 'error' comes first.
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  // Coarse checks are enough: Kafka too looks for idle connections only now and then.
  const every = Math.max(
    10,
    Math.min(1000, options.requestFrameTimeoutMs / 4, options.connectionsMaxIdleMs / 4),
  );
  const sweeper = setInterval(() => {
    const now = env.now();
    for (const c of connections.keys()) c.checkTimeouts(now);
  }, every);
  sweeper.unref();

  const stats: NetworkStats = {
    bufferedRequestBytes: () => pool.used,
    queuedMaxRequestBytes: pool.limit,
    requestMemoryWaits: () => pool.waits,
    unsentResponseBytes: () => responses.unsent + sum(connections.keys(), (c) => c.readyResponseBytes),
    rejectedConnections: () => limits.rejected,
    blockedConnections() {
      const counts: Record<string, number> = {};
      for (const c of connections.keys()) {
        const why = c.blockedOn;
        if (why) counts[why] = (counts[why] ?? 0) + 1;
      }
      return counts;
    },
  };
  if (registry) registerNetworkMetrics(registry, stats);

  return {
    server,
    port,
    stats,
    close() {
      clearInterval(sweeper);
      server.close();
      for (const c of [...connections.keys()]) c.close('shutdown');
    },
  };
}

function sum<T>(items: Iterable<T>, pick: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += pick(item);
  return total;
}
