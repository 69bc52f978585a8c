// A recording TCP proxy for the Kafka protocol: forwards bytes both ways, unchanged, and writes
// each complete request frame and its response frame (4-byte size prefix + body) to files.
//
//   node dist/test/compat/record-proxy.js --listen PORT --target 127.0.0.1:KPORT --out DIR
//
// Files: DIR/<ApiName>-v<version>-req-<n>.bin and ...-res-<n>.bin, n counting from 000 per
// api/version; a request without a response (Produce acks=0) has no -res file. DIR/index.jsonl
// gets one line per request: api, version, correlation id, client id, connection, sizes.
// Prints "listening <port>" once ready (PORT 0 picks one). Stops on SIGTERM/SIGINT.
// Clients reconnect to the address the broker advertises: advertise the proxy's port.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { apiName } from './api-names.js';

/** Splits a byte stream into size-prefixed frames (each returned with its prefix). */
export class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Buffer[] = [];
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (size < 0) throw new Error(`negative frame size ${size}`);
      if (this.buf.length < 4 + size) break;
      frames.push(Buffer.from(this.buf.subarray(0, 4 + size)));
      this.buf = this.buf.subarray(4 + size);
    }
    return frames;
  }
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Null when absent (header v0) or null on the wire. */
  clientId: string | null;
}

/** Reads the fields every request header starts with, from a frame with its size prefix. */
export function readRequestHeader(frame: Buffer): RequestHeader {
  const apiKey = frame.readInt16BE(4);
  const apiVersion = frame.readInt16BE(6);
  const correlationId = frame.readInt32BE(8);
  let clientId: string | null = null;
  // Header v1+ (every request but ControlledShutdown v0) carries a nullable int16 string.
  if (frame.length >= 14 && !(apiKey === 7 && apiVersion === 0)) {
    const len = frame.readInt16BE(12);
    if (len >= 0 && 14 + len <= frame.length) clientId = frame.toString('utf8', 14, 14 + len);
  }
  return { apiKey, apiVersion, correlationId, clientId };
}

export interface RecordProxyOptions {
  listenPort: number;
  targetHost: string;
  targetPort: number;
  outDir: string;
}

export interface RecordProxy {
  port: number;
  close(): Promise<void>;
}

interface Pending {
  header: RequestHeader;
  base: string;
  reqBytes: number;
  conn: number;
}

export async function startRecordProxy(opts: RecordProxyOptions): Promise<RecordProxy> {
  mkdirSync(opts.outDir, { recursive: true });
  const counters = new Map<string, number>();
  const sockets = new Set<Socket>();
  let connections = 0;

  const nextBase = (h: RequestHeader): string => {
    const stem = `${apiName(h.apiKey)}-v${h.apiVersion}`;
    const n = counters.get(stem) ?? 0;
    counters.set(stem, n + 1);
    return `${stem}-%s-${String(n).padStart(3, '0')}.bin`;
  };
  const index = (entry: object) =>
    appendFileSync(join(opts.outDir, 'index.jsonl'), `${JSON.stringify(entry)}\n`);

  const server: Server = createServer((client) => {
    const conn = connections++;
    const upstream = createConnection({ host: opts.targetHost, port: opts.targetPort });
    sockets.add(client).add(upstream);
    const pending = new Map<number, Pending>();
    const requests = new FrameSplitter();
    const responses = new FrameSplitter();

    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      for (const frame of safeFrames(requests, chunk, client)) {
        const header = readRequestHeader(frame);
        const base = nextBase(header);
        writeFileSync(join(opts.outDir, base.replace('%s', 'req')), frame);
        const p: Pending = { header, base, reqBytes: frame.length, conn };
        // Produce with acks=0 gets no response: record it now.
        if (header.apiKey === 0 && isAcksZero(frame)) index(entry(p, null));
        else pending.set(header.correlationId, p);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      for (const frame of safeFrames(responses, chunk, upstream)) {
        const correlationId = frame.readInt32BE(4);
        const p = pending.get(correlationId);
        if (!p) continue; // not ours to name; still forwarded
        pending.delete(correlationId);
        writeFileSync(join(opts.outDir, p.base.replace('%s', 'res')), frame);
        index(entry(p, frame.length));
      }
    });
    const closeBoth = () => {
      for (const p of pending.values()) index(entry(p, null));
      pending.clear();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listenPort, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.listenPort;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function entry(p: Pending, resBytes: number | null) {
  return {
    req: p.base.replace('%s', 'req'),
    res: resBytes === null ? null : p.base.replace('%s', 'res'),
    apiKey: p.header.apiKey,
    api: apiName(p.header.apiKey),
    version: p.header.apiVersion,
    correlationId: p.header.correlationId,
    clientId: p.header.clientId,
    conn: p.conn,
    reqBytes: p.reqBytes,
    resBytes,
  };
}

function safeFrames(splitter: FrameSplitter, chunk: Buffer, socket: Socket): Buffer[] {
  try {
    return splitter.push(chunk);
  } catch (e) {
    socket.destroy(e as Error);
    return [];
  }
}

/**
 * True for a Produce request with acks=0 (no response will come). The acks field follows the
 * header: in v3+ after the nullable transactional id. Header v1 up to v8, v2 (flexible) from v9.
 */
export function isAcksZero(frame: Buffer): boolean {
  const version = frame.readInt16BE(6);
  let pos = 12;
  const clientIdLen = frame.readInt16BE(pos);
  pos += 2 + Math.max(0, clientIdLen);
  if (version >= 9) pos += skipTaggedFields(frame, pos);
  if (version >= 3) {
    if (version >= 9) {
      const [len, n] = readUnsignedVarint(frame, pos); // compact nullable string: length + 1
      pos += n + Math.max(0, len - 1);
    } else {
      pos += 2 + Math.max(0, frame.readInt16BE(pos));
    }
  }
  return frame.readInt16BE(pos) === 0;
}

function readUnsignedVarint(b: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  let n = 0;
  for (;;) {
    const byte = b[pos + n];
    n += 1;
    value |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, n];
    shift += 7;
  }
}

function skipTaggedFields(b: Buffer, start: number): number {
  let pos = start;
  const [count, n] = readUnsignedVarint(b, pos);
  pos += n;
  for (let i = 0; i < count; i++) {
    const [, tn] = readUnsignedVarint(b, pos);
    pos += tn;
    const [size, sn] = readUnsignedVarint(b, pos);
    pos += sn + size;
  }
  return pos - start;
}

function parseArgs(argv: readonly string[]): RecordProxyOptions {
  const get = (name: string): string => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0 || i + 1 >= argv.length) {
      throw new Error(`usage: record-proxy --listen PORT --target HOST:PORT --out DIR (missing --${name})`);
    }
    return argv[i + 1];
  };
  const target = get('target');
  const colon = target.lastIndexOf(':');
  return {
    listenPort: Number(get('listen')),
    targetHost: target.slice(0, colon),
    targetPort: Number(target.slice(colon + 1)),
    outDir: get('out'),
  };
}

async function main(): Promise<void> {
  const proxy = await startRecordProxy(parseArgs(process.argv.slice(2)));
  process.stdout.write(`listening ${proxy.port}\n`);
  const stop = () => {
    proxy.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
