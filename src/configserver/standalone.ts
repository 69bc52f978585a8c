// `sluice config-server`: the config server alone, Spring's API at the root (as Spring's own
// server serves it), with its own metrics and health, against any Kafka broker.

import Fastify from 'fastify';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { installHttpErrorHandler } from '../errors/index.js';
import { HealthRegistry } from '../platform/index.js';
import type { ConfigServerConfig } from './config.js';
import { startConfigServer } from './start-server.js';

export interface StandaloneOptions {
  bootstrap: string;
  host: string;
  port: number;
  /** The `configServer:` section; its prefix is ignored (the root is served). */
  config: ConfigServerConfig;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface RunningStandalone {
  readonly url: string;
  /** Resolves once the values topic was read to its end. */
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export async function runStandaloneConfigServer(options: StandaloneOptions): Promise<RunningStandalone> {
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  installHttpErrorHandler(app);
  const registry = new Registry();
  const health = new HealthRegistry();
  let port = 0;
  const server = startConfigServer({
    bootstrap: options.bootstrap,
    config: { ...options.config, prefix: '' },
    logger: options.logger,
    registry,
    health,
    app,
    port: () => port,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.get('/actuator/health', async (_req, reply) => {
    const report = await health.report();
    return reply.code(report.status === 'UP' ? 200 : 503).send(report);
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await server.close();
    throw error;
  }
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    caughtUp: server.caughtUp,
    async close() {
      await app.close();
      await server.close();
    },
  };
}
