// Loki's protobuf push body (what Promtail, Grafana Alloy and Fluent Bit's loki output send):
// a snappy block-compressed `logproto.PushRequest`. Field numbers as in Loki's pkg/push/push.proto.

import protobuf from 'protobufjs';
import { uncompress } from 'snappyjs';
import { LabelSyntaxError, parseLabelText } from './labels.js';
import { PushError } from './push-error.js';
import type { PushEntry, PushRequest } from './push-types.js';

/** Loki's messages; Timestamp is declared here with google.protobuf.Timestamp's fields (same wire form). */
export const PUSH_PROTO = `
syntax = "proto3";
package logproto;

message PushRequest {
  repeated StreamAdapter streams = 1;
}
message StreamAdapter {
  string labels = 1;
  repeated EntryAdapter entries = 2;
  uint64 hash = 3;
}
message EntryAdapter {
  Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
message LabelPairAdapter {
  string name = 1;
  string value = 2;
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
    labels?: string;
    entries?: {
      timestamp?: { seconds?: string; nanos?: number };
      line?: string;
      structuredMetadata?: { name?: string; value?: string }[];
    }[];
  }[];
}

/** Reads the bytes after snappy decompression. */
export function decodePushProtobuf(bytes: Uint8Array): PushRequest {
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
        labels = parseLabelText(stream.labels ?? '');
      } catch (error) {
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
          line: entry.line ?? '',
        };
        if (entry.structuredMetadata?.length) {
          out.metadata = Object.fromEntries(
            entry.structuredMetadata.map((p) => [p.name ?? '', p.value ?? '']),
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
      throw new PushError(`body is larger than ${maxBytes} bytes after snappy decompression`, 413);
    }
    throw new PushError(`body is not valid snappy (block format): ${message}`);
  }
}
