import {
  API_VERSIONS_KEY,
  ApiVersions,
  decodeRequest,
  ErrorCode,
  encodeResponse,
  peekRequestHeader,
} from '../protocol/index.js';
import type { BrokerCore } from './broker-core.js';
import type { Connection, FrameHandler, Reply } from './connection.js';
import type { Handler } from './handler.js';
import { responseErrorCodes } from './metrics/index.js';

/** Routes each request frame to the handler registered for its API key and version. */
export function createDispatcher(broker: BrokerCore, handlers: readonly Handler[]): FrameHandler {
  const byKey = new Map<number, Handler>();
  for (const h of handlers) {
    if (byKey.has(h.api.key)) throw new Error(`two handlers for ${h.api.name}`);
    byKey.set(h.api.key, h);
  }

  return async (frame: Buffer, connection: Connection) => {
    const { apiKey, apiVersion, correlationId } = peekRequestHeader(frame);
    const handler = byKey.get(apiKey);
    if (!handler) {
      connection.abort(`unknown or unsupported API key ${apiKey}`);
      return null;
    }
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) return unsupportedApiVersions(handlers, correlationId);
      connection.abort(
        `${handler.api.name} v${apiVersion} is not supported (${handler.minVersion}-${handler.maxVersion})`,
      );
      return null;
    }
    const started = performance.now();
    const { header, body } = decodeRequest(handler.api, frame);
    let onSent: (() => void)[] | undefined;
    const whenSent = (done: () => void) => {
      onSent ??= [];
      onSent.push(done);
    };
    const ctx = { broker, connection, header, version: apiVersion, whenSent };
    const response = await handler.handle(ctx, body);
    const { metrics } = broker;
    if (metrics.enabled) {
      const errors = response === null ? [] : responseErrorCodes(response);
      metrics.request(handler.api.name, (performance.now() - started) / 1000, errors);
    }
    const done = onSent && (() => runAll(onSent as (() => void)[]));
    if (response === null) {
      done?.();
      return null;
    }
    return { chunks: encodeResponse(handler.api, apiVersion, correlationId, response), sent: done };
  };
}

function runAll(callbacks: (() => void)[]): void {
  for (const f of callbacks) f();
}

export function advertisedVersions(handlers: readonly Handler[]) {
  return handlers
    .map((h) => ({ apiKey: h.api.key, minVersion: h.minVersion, maxVersion: h.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
}

/**
 * A client asking ApiVersions in a version we do not know gets a v0 answer with
 * UNSUPPORTED_VERSION, so it can retry with a version we serve.
 */
function unsupportedApiVersions(handlers: readonly Handler[], correlationId: number): Reply {
  // Like Kafka, list only ApiVersions' own range: the client retries at a version it can use
  // and learns the full table from that answer.
  const chunks = encodeResponse(ApiVersions, 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: advertisedVersions(handlers).filter((a) => a.apiKey === API_VERSIONS_KEY),
  });
  return { chunks };
}
