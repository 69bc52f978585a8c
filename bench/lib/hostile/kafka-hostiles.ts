// Kafka clients that misbehave on purpose, for the soak and isolation benchmarks: each one is a
// pattern that once grew the broker without bound or held its resources forever (issue 10).
// Every function opens its sockets, returns at once, and gives back a handle that closes them.

import { connect, type Socket } from 'node:net';
import { encodeRequest, Fetch } from '../../../src/protocol/index.js';

export interface Hostile {
  readonly name: string;
  /** Sockets the hostile still holds open (the broker may close them: that is the point). */
  open(): number;
  close(): void;
}

function openSocket(port: number, sockets: Set<Socket>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    sockets.add(socket);
  });
}

function handle(name: string, sockets: Set<Socket>, extra?: () => void): Hostile {
  return {
    name,
    open: () => sockets.size,
    close() {
      extra?.();
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

export interface FetchFloodOptions {
  port: number;
  topic: string;
  partitions: number;
  connections: number;
  /** Fetch requests pipelined on each connection before it stops reading. */
  requests: number;
}

/**
 * Connections that pipeline Fetch v4 requests asking for everything (max_bytes 2^31-1, 64 MiB
 * per partition from offset 0) and never read a byte of the answers.
 */
export async function fetchFlood(o: FetchFloodOptions): Promise<Hostile> {
  const sockets = new Set<Socket>();
  for (let c = 0; c < o.connections; c++) {
    const socket = await openSocket(o.port, sockets);
    socket.pause();
    for (let i = 0; i < o.requests; i++) {
      const frame = encodeRequest(
        Fetch,
        4,
        { correlationId: i + 1, clientId: 'hostile-fetch-flood' },
        {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 2 ** 31 - 1,
          isolationLevel: 0,
          topics: [
            {
              topic: o.topic,
              partitions: Array.from({ length: o.partitions }, (_, p) => ({
                partition: p,
                fetchOffset: 0,
                partitionMaxBytes: 64 * 1024 * 1024,
              })),
            },
          ],
        },
      );
      socket.write(Buffer.concat(frame));
    }
  }
  return handle('fetch flood (never reads)', sockets);
}

/** Connections that declare a frame of `declared` bytes, send `sent` of them, and stop. */
export async function unfinishedFrames(
  port: number,
  connections: number,
  declared: number,
  sent: number,
): Promise<Hostile> {
  const sockets = new Set<Socket>();
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (let c = 0; c < connections; c++) {
    const socket = await openSocket(port, sockets);
    const head = Buffer.alloc(4);
    head.writeInt32BE(declared);
    socket.write(head);
    for (let left = sent; left > 0; left -= chunk.length) {
      socket.write(left >= chunk.length ? chunk : chunk.subarray(0, left));
    }
  }
  return handle('unfinished frames', sockets);
}

/** Connections that trickle one byte a second of a frame that never ends. */
export async function slowloris(port: number, connections: number): Promise<Hostile> {
  const sockets = new Set<Socket>();
  for (let c = 0; c < connections; c++) await openSocket(port, sockets);
  const timer = setInterval(() => {
    for (const s of sockets) s.write(Buffer.from([0]));
  }, 1000);
  return handle('slowloris (1 byte/s)', sockets, () => clearInterval(timer));
}

/** Connections that are opened and then say nothing at all. */
export async function silentConnections(port: number, connections: number): Promise<Hostile> {
  const sockets = new Set<Socket>();
  for (let c = 0; c < connections; c++) await openSocket(port, sockets);
  return handle('silent connections', sockets);
}
