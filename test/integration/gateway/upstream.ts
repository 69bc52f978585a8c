// Real upstream HTTP servers for the gateway's tests (node:http on 127.0.0.1:0) and raw-socket
// requests for what a well-behaved client would never send.

import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
  sha256: string;
}

export interface Upstream {
  readonly url: string;
  readonly port: number;
  readonly name: string;
  /** Requests that reached it, in order. */
  readonly seen: Seen[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, name: string) => boolean | Promise<boolean>;

/**
 * An upstream that reads the whole body and answers JSON {name, method, url, headers, bodyBytes,
 * sha256}, unless `handler` answers first (returns true).
 */
export async function startUpstream(name: string, handler?: Handler): Promise<Upstream> {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req, res) => {
    if (handler && (await handler(req, res, name))) return;
    const hash = createHash('sha256');
    let bodyBytes = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bodyBytes += chunk.length;
    }
    const entry = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bodyBytes,
      sha256: hash.digest('hex'),
    };
    seen.push(entry);
    const text = JSON.stringify({ name, ...entry });
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-upstream': name,
      connection: 'keep-alive, x-hop',
      'x-hop': 'secret',
    });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    name,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends raw bytes and collects everything until the server closes the connection. */
export function rawExchange(port: number, bytes: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true }));
    socket.write(bytes);
  });
}
