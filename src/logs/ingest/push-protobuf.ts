// Loki's protobuf push body (what Promtail, Grafana Alloy and Fluent Bit's loki output send):
// a snappy block-compressed `logproto.PushRequest`. Field numbers as in Loki's pkg/push/push.proto.

import protobuf from 'protobufjs';
import { uncompress } from 'snappyjs';
import { LabelSyntaxError, parseLabelText } from './labels.js';
import { invalidUtf8Labels, PushError, tooManyStreams } from './push-error.js';
import type { PushEntry, PushRequest } from './push-types.js';

/**
 * Loki's messages; Timestamp is declared here with google.protobuf.Timestamp's fields (same wire
 * form). Loki's `string` fields are read as `bytes` (the same on the wire) so that their UTF-8 is
 * checked here, not guessed at by the protobuf library.
 */
export const PUSH_PROTO = `
syntax = "proto3";
package logproto;

message PushRequest {
  repeated StreamAdapter streams = 1;
}
message StreamAdapter {
  bytes labels = 1;
  repeated EntryAdapter entries = 2;
  uint64 hash = 3;
}
message EntryAdapter {
  Timestamp timestamp = 1;
  bytes line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
message LabelPairAdapter {
  bytes name = 1;
  bytes value = 2;
}
message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}
`;

const root = protobuf.parse(PUSH_PROTO, { keepCase: true }).root;
export const PushRequestType = root.lookupType('logproto.PushRequest');

interface DecodedPush {
  streams?: {
    labels?: Uint8Array;
    entries?: {
      timestamp?: { seconds?: string; nanos?: number };
      line?: Uint8Array;
      structuredMetadata?: { name?: Uint8Array; value?: Uint8Array }[];
    }[];
  }[];
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');
const text = (bytes: Uint8Array | undefined) => (bytes ? lenient.decode(bytes) : '');

/**
 * How many times top-level field `field` occurs in a protobuf message, without decoding it: a
 * push is measured (streams) before any of it is built in memory. Undefined if malformed.
 */
export function countFields(bytes: Uint8Array, field: number): number | undefined {
  let count = 0;
  let i = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 53; shift += 7) {
      if (i >= bytes.length) return undefined;
      const b = bytes[i++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    return undefined;
  };
  while (i < bytes.length) {
    const key = varint();
    if (key === undefined) return undefined;
    if (Math.floor(key / 8) === field) count++;
    switch (key & 7) {
      case 0:
        if (varint() === undefined) return undefined;
        break;
      case 1:
        i += 8;
        break;
      case 2: {
        const len = varint();
        if (len === undefined) return undefined;
        i += len;
        break;
      }
      case 5:
        i += 4;
        break;
      default:
        return undefined;
    }
  }
  return i === bytes.length ? count : undefined;
}

/** Reads the bytes after snappy decompression; refuses more than `maxStreams` streams up front. */
export function decodePushProtobuf(bytes: Uint8Array, maxStreams = Number.POSITIVE_INFINITY): PushRequest {
  const streams = countFields(bytes, 1);
  if (streams !== undefined && streams > maxStreams) throw tooManyStreams(streams, maxStreams);
  let decoded: DecodedPush;
  try {
    const message = PushRequestType.decode(bytes);
    decoded = PushRequestType.toObject(message, { longs: String, defaults: false }) as DecodedPush;
  } catch (error) {
    throw new PushError(`body is not a valid logproto.PushRequest: ${(error as Error).message}`);
  }
  return {
    streams: (decoded.streams ?? []).map((stream, i) => {
      let labels: Record<string, string>;
      try {
        labels = parseLabelText(stream.labels ? strict.decode(stream.labels) : '');
      } catch (error) {
        if (error instanceof TypeError) throw invalidUtf8Labels(`streams[${i}].labels`);
        if (error instanceof LabelSyntaxError) throw new PushError(`streams[${i}].labels: ${error.message}`);
        throw error;
      }
      const entries = (stream.entries ?? []).map((entry, j): PushEntry => {
        const seconds = BigInt(entry.timestamp?.seconds ?? '0');
        const nanos = entry.timestamp?.nanos ?? 0;
        if (seconds < 0n || nanos < 0 || nanos > 999_999_999) {
          throw new PushError(
            `streams[${i}].entries[${j}]: invalid timestamp (seconds ${seconds}, nanos ${nanos})`,
          );
        }
        const out: PushEntry = {
          timestampNs: seconds * 1_000_000_000n + BigInt(nanos),
          // Invalid UTF-8 in a line becomes U+FFFD: what Loki's readers get for such bytes.
          line: text(entry.line),
        };
        if (entry.structuredMetadata?.length) {
          out.metadata = Object.fromEntries(
            entry.structuredMetadata.map((p) => [text(p.name), text(p.value)]),
          );
        }
        return out;
      });
      return { labels, entries };
    }),
  };
}

/** Snappy block format, as Loki expects (not the framed stream format). */
export function snappyUncompress(body: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return uncompress(body, maxBytes);
  } catch (error) {
    const message = (error as Error).message;
    if (/too big/.test(message)) {
      throw new PushError(
        `body is larger than ${maxBytes} bytes after snappy decompression`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    throw new PushError(`body is not valid snappy (block format): ${message}`);
  }
}
