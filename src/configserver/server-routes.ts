// Every route of the config server in one plugin scope: bodies read raw (the webhook signature
// is over the exact bytes), the X-Config-Token check when a token is configured, Spring's API
// under the prefix, /monitor, and Sluice's admin API.

import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AdminRouteOptions, registerAdminRoutes } from './admin-routes.js';
import { destinationFor } from './bus.js';
import type { ConfigStore } from './config-store.js';
import { changedPaths, servicesOf, signedWith } from './monitor.js';
import { registerSpringRoutes, type SpringRouteOptions } from './spring-routes.js';

export interface ServerRouteOptions extends SpringRouteOptions, AdminRouteOptions {
  store: ConfigStore;
  token: string;
  monitorSecret: string;
  maxValueBytes: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route that authorizes on its own (the webhook's signature), not by X-Config-Token. */
    ownAuthorization?: boolean;
  }
}

/** Our error body shape for the two statuses the error table has no code for. */
const refuse = (reply: FastifyReply, status: 401 | 403, code: string, message: string, hint: string) =>
  reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message, hint } });

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function registerServerRoutes(app: FastifyInstance, options: ServerRouteOptions): Promise<void> {
  // Room for the JSON around the largest value (escaping can double it, hex ciphers too).
  const bodyLimit = options.maxValueBytes * 3 + 64 * 1024;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

  if (options.token !== '') {
    app.addHook('onRequest', async (req, reply) => {
      if (req.routeOptions.config?.ownAuthorization) return;
      const given = req.headers['x-config-token'];
      if (typeof given === 'string' && sameText(given, options.token)) return;
      return refuse(
        reply,
        401,
        'UNAUTHORIZED',
        given === undefined ? 'missing X-Config-Token' : 'wrong X-Config-Token',
        'send the token configured as configServer.token in the X-Config-Token header',
      );
    });
  }

  registerSpringRoutes(app, options);
  registerAdminRoutes(app, options);

  // Spring serves /monitor at its own path, not under the server's prefix: both are served here.
  const monitorPaths = new Set([`${options.prefix}/monitor`, '/monitor']);
  for (const path of monitorPaths) app.post(path, { config: { ownAuthorization: true } }, monitor);

  async function monitor(req: FastifyRequest, reply: FastifyReply) {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signedWith(req, body, options.monitorSecret)) {
      return refuse(
        reply,
        403,
        'FORBIDDEN',
        options.monitorSecret === ''
          ? '/monitor is closed: no webhook secret is configured'
          : 'missing or wrong X-Hub-Signature-256',
        'set configServer.monitorSecret and sign each request body with it (HMAC-SHA256, as GitHub webhooks do)',
      );
    }
    const services = servicesOf(changedPaths(req, body));
    await options.store.refresh(services, destinationFor);
    return reply.type('application/json').send(JSON.stringify(services));
  }
}
