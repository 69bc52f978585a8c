// The protocol's only door: definitions, codec, frames, errors and record batch headers.
export * from './apis/index.js';
export * from './errors.js';
export * from './frames.js';
export * from './groups/consumer-protocol.js';
export * from './groups/offsets-log-records.js';
export * from './headers.js';
export * from './records/batch-header.js';
export * from './records/decompress.js';
export * from './records/record-codec.js';
export * from './records/record-timestamps.js';
export * from './records/validate-batches.js';
export type { ApiDefinition, Partially, RequestOf, ResponseInput, ResponseOf } from './schema/api.js';
export * as field from './schema/fields.js';
export { formatRange, inRange, parseRange, type VersionRange } from './schema/versions.js';
export { compileStruct, type StructCodec } from './wire/codec.js';
export { MalformedFrameError } from './wire/protocol-error.js';
export { Reader } from './wire/reader.js';
export { Writer } from './wire/writer.js';
