import {
  RequestHeaderFields,
  ResponseHeaderFields,
  requestHeaderVersion,
  responseHeaderVersion,
} from './headers.js';
import type { ApiDefinition, Partially, RequestOf, ResponseOf } from './schema/api.js';
import { inRange } from './schema/versions.js';
import { compileStruct, type StructCodec } from './wire/codec.js';
import { MalformedFrameError } from './wire/protocol-error.js';
import { Reader } from './wire/reader.js';
import { Writer } from './wire/writer.js';

export interface RequestHeader {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  clientId: string | null;
}

const requestHeaders = [0, 1, 2].map((v) =>
  compileStruct(RequestHeaderFields, { version: v, flexible: v >= 2 }),
);
const responseHeaders = [0, 1].map((v) =>
  compileStruct(ResponseHeaderFields, { version: v, flexible: v >= 1 }),
);

const cache = new WeakMap<ApiDefinition, Map<number, { request: StructCodec; response: StructCodec }>>();

/** The request and response codecs of one API version, compiled on first use. */
export function codecsFor(
  api: ApiDefinition,
  version: number,
): { request: StructCodec; response: StructCodec } {
  let byVersion = cache.get(api);
  if (!byVersion) {
    byVersion = new Map();
    cache.set(api, byVersion);
  }
  let codecs = byVersion.get(version);
  if (!codecs) {
    if (!inRange(version, api.versions)) throw new Error(`${api.name} v${version} is not served`);
    const shape = { version, flexible: inRange(version, api.flexible) };
    codecs = { request: compileStruct(api.request, shape), response: compileStruct(api.response, shape) };
    byVersion.set(version, codecs);
  }
  return codecs;
}

/** Reads api key, version and correlation id, which sit at fixed places in every request header. */
export function peekRequestHeader(frame: Buffer): {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
} {
  if (frame.length < 8)
    throw new MalformedFrameError(`request of ${frame.length} bytes is shorter than a header`);
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}

/** Decodes a request frame body (without its size prefix) for a known, served API version. */
export function decodeRequest<A extends ApiDefinition>(
  api: A,
  frame: Buffer,
): { header: RequestHeader; body: RequestOf<A>; trailing: number } {
  const version = frame.readInt16BE(2);
  const reader = new Reader(frame);
  const header = requestHeaders[requestHeaderVersion(api, version)].decode(reader) as RequestHeader;
  const body = codecsFor(api, version).request.decode(reader) as RequestOf<A>;
  return { header, body, trailing: reader.remaining };
}

/** Encodes a full response frame (size prefix, header, body) as buffers ready for a vectored write. */
export function encodeResponse<A extends ApiDefinition>(
  api: A,
  version: number,
  correlationId: number,
  body: Partially<ResponseOf<A>>,
): Buffer[] {
  const w = new Writer(512);
  w.int32(0);
  responseHeaders[responseHeaderVersion(api, version)].encode(w, { correlationId });
  codecsFor(api, version).response.encode(w, body);
  return sealFrame(w);
}

/** Encodes a request frame; used by tests and tools that speak to a broker directly. */
export function encodeRequest<A extends ApiDefinition>(
  api: A,
  version: number,
  header: { correlationId: number; clientId?: string | null },
  body: Partially<RequestOf<A>>,
): Buffer[] {
  const w = new Writer(256);
  w.int32(0);
  requestHeaders[requestHeaderVersion(api, version)].encode(w, {
    requestApiKey: api.key,
    requestApiVersion: version,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
  });
  codecsFor(api, version).request.encode(w, body);
  return sealFrame(w);
}

/** Decodes a response frame body (without its size prefix). */
export function decodeResponse<A extends ApiDefinition>(
  api: A,
  version: number,
  frame: Buffer,
): { correlationId: number; body: ResponseOf<A>; trailing: number } {
  const reader = new Reader(frame);
  const { correlationId } = responseHeaders[responseHeaderVersion(api, version)].decode(reader);
  const body = codecsFor(api, version).response.decode(reader) as ResponseOf<A>;
  return { correlationId, body, trailing: reader.remaining };
}

function sealFrame(w: Writer): Buffer[] {
  const size = w.length - 4;
  const chunks = w.finish();
  chunks[0].writeInt32BE(size, 0);
  return chunks;
}
