// One HTTP error handler for every route of the platform's server: what was thrown becomes a
// status from the code table and a body saying what was wrong and how to fix it.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SluiceErrorCode } from './codes.js';
import { RepeatThrottle } from './repeat-throttle.js';
import { SluiceError, toSluiceError } from './sluice-error.js';

/**
 * How a route answers errors. `json` (ours): `{"error": {"code", "message", "hint"?, ...details}}`.
 * `text`: the message alone as text/plain, for APIs whose clients show that text (Loki's:
 * Grafana and logcli print the body of a 400).
 */
export type HttpErrorFormat = 'json' | 'text';

declare module 'fastify' {
  interface FastifyContextConfig {
    errorFormat?: HttpErrorFormat;
  }
}

/** Unforeseen errors of one route and message are logged (with the stack) once per this interval. */
const INTERNAL_LOG_INTERVAL_MS = 10_000;

/** The JSON body of an error: details first, so they cannot overwrite the code or message. */
export function httpErrorBody(err: SluiceError): { error: Record<string, unknown> } {
  return {
    error: {
      ...err.details,
      code: err.code,
      message: err.message,
      ...(err.hint === undefined ? {} : { hint: err.hint }),
    },
  };
}

/** Codes for the 4xx errors fastify itself throws (bad JSON, body limit, content type, schema). */
const FRAMEWORK_CODES: Record<number, SluiceErrorCode> = {
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'BUSY',
};

/** Fastify's own client errors (they carry a 4xx `statusCode`) as SluiceErrors; else undefined. */
function fromFrameworkError(err: unknown, request: FastifyRequest): SluiceError | undefined {
  if (!(err instanceof Error)) return undefined;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const code = FRAMEWORK_CODES[status] ?? 'INVALID_ARGUMENT';
  if (code === 'PAYLOAD_TOO_LARGE') {
    const limit = request.routeOptions.bodyLimit;
    return new SluiceError(code, err.message, {
      cause: err,
      hint: `send at most ${limit} bytes per request`,
      details: { limitBytes: limit },
    });
  }
  if (code === 'UNSUPPORTED_MEDIA_TYPE') {
    const type = request.headers['content-type'] ?? '';
    return new SluiceError(code, `${err.message}: '${type}'`, { cause: err });
  }
  return new SluiceError(code, err.message, { cause: err });
}

/** Answers `err` in the route's format. */
function sendHttpError(reply: FastifyReply, err: SluiceError, format: HttpErrorFormat = 'json') {
  reply.code(err.httpStatus);
  if (format === 'text') return reply.type('text/plain').send(err.message);
  return reply.type('application/json; charset=utf-8').send(httpErrorBody(err));
}

/**
 * Installs the handler on the app (and so on every plugin scope in it, unless one sets its own):
 * SluiceErrors answer with their code's status; fastify's 4xx errors with the matching code;
 * anything else is a 500 INTERNAL whose message and stack stay in the log. Unknown routes answer
 * NOT_FOUND in the same shape.
 */
export function installHttpErrorHandler(app: FastifyInstance, now: () => number = Date.now): void {
  const internal = new RepeatThrottle(INTERNAL_LOG_INTERVAL_MS, now);
  app.setErrorHandler((thrown: unknown, request, reply) => {
    const err = fromFrameworkError(thrown, request) ?? toSluiceError(thrown);
    if (err.httpStatus >= 500 && err.code !== 'TIMEOUT') {
      const original = err.code === 'INTERNAL' && err.cause !== undefined ? err.cause : err;
      const suppressed = internal.admit(
        `${request.routeOptions.url ?? ''}\0${String((original as Error)?.message)}`,
      );
      if (suppressed !== undefined) {
        request.log.error(
          { err: original, method: request.method, url: request.url, suppressed },
          `request failed (${err.code}); repeats are logged once per ${INTERNAL_LOG_INTERVAL_MS / 1000} s`,
        );
      }
    }
    return sendHttpError(reply, err, request.routeOptions.config?.errorFormat);
  });
  app.setNotFoundHandler((request, reply) =>
    sendHttpError(
      reply,
      new SluiceError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, {
        hint: 'check the path and method',
      }),
    ),
  );
}

/** Makes every route registered in `scope` (a plugin scope) answer errors in `format`. */
export function useErrorFormat(scope: FastifyInstance, format: HttpErrorFormat): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, errorFormat: format };
  });
}
