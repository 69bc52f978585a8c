// HTTP load for the benchmarks of the platform's REST services (registry, config): keep-alive
// connections, a fixed number of requests in flight for a while (throughput), and one request at a
// time (latency). Both sides of a comparison are driven by the same code in the same process.

import { Agent, request } from 'node:http';

export interface HttpCall {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly bytes: number;
  readonly body: Buffer;
}

export class HttpLoad {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(url: string, connections: number) {
    const u = new URL(url);
    this.#host = u.hostname;
    this.#port = Number(u.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  call(c: HttpCall): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#host,
          port: this.#port,
          method: c.method,
          path: c.path,
          agent: this.#agent,
          headers: {
            ...(c.body === undefined ? {} : { 'content-length': Buffer.byteLength(c.body) }),
            ...c.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, bytes: body.length, body });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(c.body);
    });
  }

  /**
   * `inFlight` workers each call `next(i)` one after another until `durationMs` passes; resolves to
   * the calls per second and the statuses seen (an unexpected one fails the run).
   */
  async throughput(
    inFlight: number,
    durationMs: number,
    next: (i: number) => HttpCall,
    expected: readonly number[],
  ): Promise<{ perSecond: number; calls: number }> {
    let calls = 0;
    const began = performance.now();
    const until = began + durationMs;
    const worker = async () => {
      while (performance.now() < until) {
        const c = next(calls++);
        const answer = await this.call(c);
        if (!expected.includes(answer.status)) {
          throw new Error(
            `${c.method} ${c.path} answered ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { perSecond: calls / ((performance.now() - began) / 1000), calls };
  }

  /** `count` calls one at a time; the milliseconds each took, sorted. */
  async latencies(count: number, c: HttpCall, expected: readonly number[]): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const answer = await this.call(c);
      times.push(performance.now() - t0);
      if (!expected.includes(answer.status)) {
        throw new Error(
          `${c.method} ${c.path} answered ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`,
        );
      }
    }
    return times.sort((a, b) => a - b);
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The q-quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
