import { connect, type Socket } from 'node:net';
import {
  type ApiDefinition,
  decodeResponse,
  encodeRequest,
  Fetch,
  type Partially,
  type RequestOf,
  type ResponseOf,
} from '../../src/protocol/index.js';
import { decodeBatches } from './records.js';

/**
 * A bare Kafka protocol client built on Sluice's own codec, for tests that need exact control
 * over frames: bad input, fuzzing, version edge cases. Real-client behaviour is tested with real clients.
 */
export class WireClient {
  private buffered = Buffer.alloc(0);
  private nextCorrelationId = 1;
  private readonly waiting = new Map<number, (frame: Buffer) => void>();
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
  }

  /** `localAddress` picks the client's own address (127.0.0.2 is another loopback address on Linux). */
  static connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, localAddress }, () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      this.waiting.get(correlationId)?.(frame);
      this.waiting.delete(correlationId);
    }
  }

  /** Sends a request and resolves with the decoded response. */
  async request<A extends ApiDefinition>(
    api: A,
    version: number,
    body: Partially<RequestOf<A>>,
    timeoutMs = 10_000,
  ): Promise<ResponseOf<A>> {
    const frame = await this.requestRaw(Buffer.concat(this.encode(api, version, body)), timeoutMs);
    return decodeResponse(api, version, frame).body;
  }

  encode<A extends ApiDefinition>(api: A, version: number, body: Partially<RequestOf<A>>): Buffer[] {
    return encodeRequest(
      api,
      version,
      { correlationId: this.nextCorrelationId++, clientId: 'wire-test' },
      body,
    );
  }

  /**
   * Sends a whole frame (size prefix included) and resolves with the response frame body.
   * With an empty frame, only waits for the answer to `expected` (bytes sent separately).
   */
  requestRaw(frame: Buffer, timeoutMs = 10_000, expected?: number): Promise<Buffer> {
    const correlationId = expected ?? frame.readInt32BE(8);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no response to correlation id ${correlationId}`)),
        timeoutMs,
      );
      this.waiting.set(correlationId, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.closed.then(() => {
        clearTimeout(timer);
        reject(new Error('connection closed'));
      });
      if (frame.length > 0) this.socket.write(frame);
    });
  }

  /**
   * One Fetch (v12) of one partition from `fetchOffset`, at most 1 MiB, without waiting: the
   * partition's answer, and the values of the records it holds.
   */
  async fetchValues(topic: string, partition: number, fetchOffset = 0) {
    const res = await this.request(Fetch, 12, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
    });
    const answer = res.responses[0].partitions[0];
    const values = decodeBatches(answer.records ?? Buffer.alloc(0)).map((r) => String(r.value));
    return { errorCode: answer.errorCode, values };
  }

  /** Writes bytes as they are, for malformed-input tests. */
  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}
