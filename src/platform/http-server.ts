import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { installHttpErrorHandler } from '../errors/index.js';

export interface ListeningHttp {
  readonly app: FastifyInstance;
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
}

/**
 * The platform's one HTTP server: metrics, health, and later logs, registry, config and the
 * console attach their routes to it before it listens. Routes throw; one error handler answers
 * (src/errors/http.ts), in JSON or, where a scope asks for it (Loki's API), as text.
 */
export function createHttpApp(logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Scrapes and probes arrive every few seconds; per-request lines would drown the log.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024 * 1024,
  });
  installHttpErrorHandler(app);
  return app;
}

export async function listenHttp(app: FastifyInstance, host: string, port: number): Promise<ListeningHttp> {
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, host, port: bound, url: `http://${shownHost}:${bound}` };
}
