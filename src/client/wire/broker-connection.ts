// One TCP connection to a Kafka broker that speaks requests with Sluice's own protocol codec.
// Nothing a broker sends can throw out of a socket callback: a bad frame or an undecodable
// response rejects the waiting request (or all of them, when the stream itself is broken), and
// callers only ever see promises.

import { connect, type Socket } from 'node:net';
import {
  type ApiDefinition,
  decodeResponse,
  encodeRequest,
  type Partially,
  type RequestOf,
  type ResponseOf,
} from '../../protocol/index.js';
import { ClientError } from '../client-error.js';

/** Larger responses than this are not something a platform component asks for: the stream is broken. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

interface Pending {
  settle(error: Error | undefined, frame?: Buffer): void;
}

export class BrokerConnection {
  readonly address: string;
  readonly #socket: Socket;
  readonly #clientId: string;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #chunks: Buffer[] = [];
  #buffered = 0;
  #nextCorrelationId = 1;
  #failure: Error | undefined;

  private constructor(socket: Socket, address: string, clientId: string, timeoutMs: number) {
    this.#socket = socket;
    this.address = address;
    this.#clientId = clientId;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#onData(chunk);
      } catch (error) {
        this.#fail(new ClientError(`bad response stream from ${address}: ${(error as Error).message}`));
      }
    });
    socket.on('error', (error) =>
      this.#fail(new ClientError(`connection to ${address} failed (${error.message})`)),
    );
    socket.on('close', () => this.#fail(new ClientError(`connection to ${address} closed`)));
  }

  static open(host: string, port: number, clientId: string, timeoutMs: number): Promise<BrokerConnection> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ClientError(`cannot connect to broker ${address} (timed out after ${timeoutMs} ms)`));
      }, timeoutMs);
      const failed = (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ClientError(`cannot connect to broker ${address} (${error.code ?? error.message})`));
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', failed);
        resolve(new BrokerConnection(socket, address, clientId, timeoutMs));
      });
    });
  }

  get usable(): boolean {
    return this.#failure === undefined;
  }

  /** Sends one request and resolves with its decoded response; rejects on timeout or a broken stream. */
  request<A extends ApiDefinition>(
    api: A,
    version: number,
    body: Partially<RequestOf<A>>,
  ): Promise<ResponseOf<A>> {
    if (this.#failure) return Promise.reject(this.#failure);
    const correlationId = this.#nextCorrelationId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A late answer would arrive for nobody; the connection is dropped rather than reused.
        this.#fail(new ClientError(`${api.name} to ${this.address} timed out after ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(correlationId, {
        settle: (error, frame) => {
          clearTimeout(timer);
          if (error) return reject(error);
          try {
            resolve(decodeResponse(api, version, frame!).body);
          } catch (decodeError) {
            reject(
              new ClientError(
                `cannot decode ${api.name} v${version} from ${this.address}: ${(decodeError as Error).message}`,
              ),
            );
          }
        },
      });
      this.#socket.write(
        Buffer.concat(encodeRequest(api, version, { correlationId, clientId: this.#clientId }, body)),
      );
    });
  }

  close(): void {
    this.#fail(new ClientError(`connection to ${this.address} closed`));
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= 4) {
      let data = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
      const size = data.readInt32BE(0);
      if (size < 4 || size > MAX_RESPONSE_BYTES) throw new Error(`response size ${size}`);
      if (this.#buffered < 4 + size) {
        this.#chunks = [data];
        return;
      }
      const frame = data.subarray(4, 4 + size);
      data = data.subarray(4 + size);
      this.#chunks = data.length > 0 ? [data] : [];
      this.#buffered = data.length;
      const correlationId = frame.readInt32BE(0);
      const pending = this.#pending.get(correlationId);
      if (!pending) throw new Error(`unexpected correlation id ${correlationId}`);
      this.#pending.delete(correlationId);
      pending.settle(undefined, frame);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#socket.destroy();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.settle(error);
  }
}
