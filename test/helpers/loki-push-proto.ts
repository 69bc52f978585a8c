// Loki push bodies as Promtail, Grafana Alloy and Fluent Bit's loki output send them: a
// snappy-compressed logproto.PushRequest. The schema is written from Loki's pkg/push/push.proto
// (field numbers), independently of the decoder's own copy.

import protobuf from 'protobufjs';
import * as snappy from 'snappyjs';

const LOKI_PROTO = `
syntax = "proto3";
package logproto;
import "google/protobuf/timestamp.proto";
message PushRequest { repeated StreamAdapter streams = 1; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  google.protobuf.Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
`;
const root = new protobuf.Root();
root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
protobuf.parse(LOKI_PROTO, root, { keepCase: true });
const PushRequest = root.lookupType('logproto.PushRequest');
/** Snappy block compression, as Loki's clients apply it to the protobuf. */
export const snappyCompress = (snappy as unknown as { compress(b: Uint8Array): Uint8Array }).compress;

/** The snappy-compressed protobuf body for a PushRequest given as a plain object. */
export function protobufPushBody(message: object): Buffer {
  const bytes = PushRequest.encode(PushRequest.fromObject(message)).finish();
  return Buffer.from(snappyCompress(bytes));
}
