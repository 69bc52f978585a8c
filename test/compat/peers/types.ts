// What the peer helpers take and give back, the same for every client.

/** Bytes to send: a string is UTF-8; null is a null key/value/header value. */
export type Bytes = Buffer | string | null;

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export type Acks = 0 | 1 | -1 | 'all';

export interface ProduceMessage {
  key?: Bytes;
  value: Bytes;
  /** In order; names may repeat. */
  headers?: ReadonlyArray<readonly [string, Bytes]>;
  partition?: number;
}

export interface ProduceOptions {
  topic: string;
  messages: readonly ProduceMessage[];
  compression?: Compression;
  acks?: Acks;
  timeoutMs?: number;
  /** Extra client configuration (librdkafka properties, or kafka-python keyword arguments). */
  config?: Record<string, unknown>;
}

export interface ConsumeOptions {
  topic: string;
  /** Messages to read; the call fails if fewer arrive before the timeout. */
  count: number;
  /** Join this consumer group (and commit what was read); else read every partition from the start. */
  group?: string;
  timeoutMs?: number;
  config?: Record<string, unknown>;
}

/** One message as a client saw it (consumed, or acknowledged after a produce). */
export interface PeerRecord {
  partition: number;
  /** -1 when the client was not told (kcat produce, acks=0). */
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestamp?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function toBuffer(b: Bytes | undefined): Buffer | null {
  if (b === null || b === undefined) return null;
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
}
