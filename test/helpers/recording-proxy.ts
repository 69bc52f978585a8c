// An HTTP proxy on 127.0.0.1 that forwards every request unchanged to one server and remembers
// each exchange as it went over the wire (method, path, headers, body; status, headers, body).
// Put in front of a registry or a config server, it shows exactly what a real client sent and
// what it was answered, for assertions and for failure messages.

import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request and its answer. Bodies are kept up to 64 KiB; gzip bodies also decoded. */
export interface Exchange {
  readonly at: number;
  readonly method: string;
  /** Path and query as the client sent them. */
  readonly path: string;
  /** Header names and values in the order sent, as on the wire. */
  readonly rawHeaders: readonly string[];
  readonly body: string;
  readonly status: number;
  readonly responseHeaders: IncomingHttpHeaders;
  /** The answer's body as text (gunzipped when it was gzip). */
  readonly responseBody: string;
}

export interface RecordingProxy {
  /** http://127.0.0.1:PORT: the target's origin seen through the proxy (paths stay the same). */
  readonly url: string;
  readonly exchanges: readonly Exchange[];
  close(): Promise<void>;
}

const KEEP_BODY = 64 * 1024;
const KEEP_EXCHANGES = 5_000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function text(body: Buffer, gzip: boolean): string {
  let plain = body;
  if (gzip) {
    try {
      plain = gunzipSync(body);
    } catch {
      return `<${body.length} bytes, not gzip>`;
    }
  }
  return plain.subarray(0, KEEP_BODY).toString('utf8');
}

/** Starts a proxy to `target` (an origin, e.g. http://127.0.0.1:8761). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: upstream.host };
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const answerBody = Buffer.concat(parts);
            exchanges.push({
              at: Date.now(),
              method: req.method ?? '',
              path: req.url ?? '',
              rawHeaders: req.rawHeaders,
              body: text(body, req.headers['content-encoding'] === 'gzip'),
              status: answer.statusCode ?? 0,
              responseHeaders: answer.headers,
              responseBody: text(answerBody, answer.headers['content-encoding'] === 'gzip'),
            });
            if (exchanges.length > KEEP_EXCHANGES) exchanges.shift();
            const forward: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(answer.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name)) forward[name] = value;
            }
            forward['content-length'] = String(answerBody.length);
            res.writeHead(answer.statusCode ?? 502, forward);
            res.end(answerBody);
          });
        },
      );
      out.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recording proxy: ${target} failed: ${err.message}`);
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The headers of a recorded request as name/value pairs, in the order sent. */
export function headerPairs(exchange: Exchange): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < exchange.rawHeaders.length; i += 2) {
    pairs.push([exchange.rawHeaders[i], exchange.rawHeaders[i + 1]]);
  }
  return pairs;
}
