// POST /loki/api/v1/push bodies: JSON (optionally gzip or deflate) or snappy-compressed protobuf,
// checked against Loki's limits. Pure: the HTTP route passes the raw body and the two headers.

import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { isValidLabelName } from './labels.js';
import { invalidUtf8Labels, PushError, tooManyStreams } from './push-error.js';
import { decodeJsonPush } from './push-json.js';
import { decodePushProtobuf, snappyUncompress } from './push-protobuf.js';
import { DEFAULT_PUSH_LIMITS, type PushLimits, type PushRequest } from './push-types.js';

const lenient = new TextDecoder('utf-8');
const strict = new TextDecoder('utf-8', { fatal: true });

function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function unzip(body: Buffer, encoding: string, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  try {
    switch (encoding) {
      case '':
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, options);
      case 'deflate':
        // HTTP's deflate is zlib-wrapped, but Go clients send raw DEFLATE: accept both.
        return body.length >= 2 && (body[0] & 0x0f) === 8 && ((body[0] << 8) | body[1]) % 31 === 0
          ? inflateSync(body, options)
          : inflateRawSync(body, options);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PushError(
        `body is larger than ${maxBytes} bytes after ${encoding} decompression`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    throw new PushError(`body is not valid ${encoding} data: ${(error as Error).message}`);
  }
  throw new PushError(
    `unsupported Content-Encoding '${encoding}': use gzip, deflate or none`,
    'UNSUPPORTED_MEDIA_TYPE',
  );
}

/** An unpaired UTF-16 surrogate: a string JSON escapes can make that has no UTF-8 form. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (s: string) => !/[\uD800-\uDFFF]/.test(s) || s.replace(LONE_SURROGATE, '') === s;

/**
 * Invalid UTF-8, as Loki treats it. Labels must be text: Loki parses a stream's label text with
 * its PromQL-style parser, and that stops at bytes that are not UTF-8 (`invalid UTF-8 rune`, see
 * grafana/loki#3597), so the push is refused with a 400. Lines are not checked by Loki; it keeps
 * their bytes, and whoever reads them back through its JSON API gets U+FFFD for each bad byte
 * (grafana/loki#752). We store text, so the U+FFFD goes in at once. `suspect`: the body had bytes
 * that did not decode, and they are U+FFFD now.
 */
function checkText(request: PushRequest, suspect: boolean): void {
  request.streams.forEach((stream, i) => {
    for (const [name, value] of Object.entries(stream.labels)) {
      const bad = (s: string) => !wellFormed(s) || (suspect && s.includes('\uFFFD'));
      if (bad(name) || bad(value)) throw invalidUtf8Labels(`streams[${i}] labels`);
    }
    for (const entry of stream.entries) {
      // Lone surrogates (from JSON \u escapes) would not survive the trip to UTF-8 either.
      if (!wellFormed(entry.line)) entry.line = entry.line.replace(LONE_SURROGATE, '\uFFFD');
    }
  });
}

function checkLimits(request: PushRequest, limits: PushLimits): void {
  if (request.streams.length > limits.maxStreams)
    throw tooManyStreams(request.streams.length, limits.maxStreams);
  request.streams.forEach((stream, i) => {
    const names = Object.keys(stream.labels);
    const where = `streams[${i}]`;
    if (names.length === 0) throw new PushError(`${where}: at least one label pair is required per stream`);
    if (names.length > limits.maxLabelNames) {
      throw new PushError(`${where}: ${names.length} labels, more than the limit of ${limits.maxLabelNames}`);
    }
    for (const name of names) {
      if (!isValidLabelName(name)) {
        throw new PushError(`${where}: invalid label name '${name}' (must match [a-zA-Z_][a-zA-Z0-9_]*)`);
      }
      if (name.length > limits.maxLabelNameLength) {
        throw new PushError(
          `${where}: label name '${name.slice(0, 64)}...' is longer than ${limits.maxLabelNameLength}`,
        );
      }
      if (stream.labels[name].length > limits.maxLabelValueLength) {
        throw new PushError(
          `${where}: the value of label '${name}' is longer than ${limits.maxLabelValueLength}`,
        );
      }
    }
    stream.entries.forEach((entry, j) => {
      const bytes = Buffer.byteLength(entry.line);
      if (bytes > limits.maxLineBytes) {
        throw new PushError(
          `${where}.entries[${j}]: line of ${bytes} bytes exceeds the max line size of ${limits.maxLineBytes} bytes`,
        );
      }
    });
  });
}

/**
 * Decodes a Loki push body. `application/json` is JSON (Content-Encoding gzip or deflate allowed);
 * `application/x-protobuf` (or no Content-Type, as Loki assumes) is a snappy block-compressed
 * logproto.PushRequest. Throws PushError (400; 413 past the decompressed size limit; 415 for an
 * unsupported Content-Type or Content-Encoding) saying what is wrong.
 */
export function decodePushRequest(
  body: Buffer,
  contentType: string,
  contentEncoding = '',
  limits: PushLimits = DEFAULT_PUSH_LIMITS,
): PushRequest {
  const type = mediaType(contentType);
  const plain = unzip(body, contentEncoding.trim().toLowerCase(), limits.maxDecompressedBytes);
  let request: PushRequest;
  let suspect = false;
  if (type === 'application/json') {
    let text: string;
    try {
      text = strict.decode(plain);
    } catch {
      text = lenient.decode(plain);
      suspect = true;
    }
    request = decodeJsonPush(text, limits.maxStreams);
  } else if (type === 'application/x-protobuf' || type === '') {
    request = decodePushProtobuf(snappyUncompress(plain, limits.maxDecompressedBytes), limits.maxStreams);
  } else {
    throw new PushError(
      `unsupported Content-Type '${contentType}': use application/json or application/x-protobuf (snappy)`,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  }
  checkLimits(request, limits);
  checkText(request, suspect);
  return request;
}
