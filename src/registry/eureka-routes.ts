// Eureka's REST API (the server's /eureka/apps resources) as a fastify plugin; the caller mounts it
// under /eureka and /eureka/v2. Answers JSON when the Accept header asks for it and XML otherwise,
// gzipped when Accept-Encoding allows; takes registrations in JSON or XML. Bodies are read as text
// and parsed here, so a broken one is a 400 in Eureka's plain form, not a framework error.

import { gzipSync } from 'node:zlib';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock/index.js';
import { RepeatThrottle } from '../errors/index.js';
import { instanceJsonText, instanceXmlText } from './codec.js';
import { badRequest, EurekaError, notFound } from './errors.js';
import { appNameOf, checkMetadataKey, parseRegistration, statusOf } from './instance.js';
import type { Entry, InstanceRegistry } from './instance-registry.js';
import type { RegistryMetrics } from './metrics.js';
import { cacheKey, type Format, type View } from './payloads.js';
import type { Payload, ResponseCache } from './response-cache.js';
import { readXml, XmlError } from './xml.js';

export interface EurekaRouteOptions {
  registry: InstanceRegistry;
  cache: ResponseCache;
  metrics: RegistryMetrics;
  clock: Clock;
  maxBodyBytes: number;
  /** Resolves once the registry has rebuilt its state (rejects with a 503 past a bound). */
  ready(): Promise<void>;
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | string[]> }>;

const REPLICATION_HEADER = 'x-netflix-discovery-replication';

const formatOf = (req: FastifyRequest): Format => (/json/i.test(req.headers.accept ?? '') ? 'json' : 'xml');
const gzipWanted = (req: FastifyRequest) => /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
const contentType = (format: Format) => (format === 'json' ? 'application/json' : 'application/xml');

function sendText(
  req: FastifyRequest,
  reply: FastifyReply,
  format: Format,
  text: string,
  zipped?: () => Buffer,
) {
  reply.code(200).type(contentType(format)).header('vary', 'Accept, Accept-Encoding');
  if (!gzipWanted(req)) return reply.send(text);
  return reply.header('content-encoding', 'gzip').send(zipped ? zipped() : gzipSync(text));
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function timestampOf(req: Req, name: string): number | undefined {
  const raw = single(req.query[name]);
  if (raw === undefined || raw === '' || raw === 'null') return undefined;
  if (!/^\d{1,16}$/.test(raw))
    throw badRequest(`Invalid ${name} '${raw.slice(0, 40)}': must be milliseconds since the epoch`);
  return Number(raw);
}

/** The body as Eureka's JSON shape, whether it came as JSON or XML. */
function bodyOf(req: FastifyRequest): unknown {
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '') throw badRequest('The request has no body: send the instance as JSON or XML');
  const type = String(req.headers['content-type'] ?? '');
  const xml = /xml/i.test(type) || (!/json/i.test(type) && text.trimStart().startsWith('<'));
  if (xml) {
    try {
      const root = readXml(text);
      return { [root.name]: root.value };
    } catch (error) {
      if (error instanceof XmlError) throw badRequest(`Malformed XML in the request body: ${error.message}`);
      throw error;
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`Malformed JSON in the request body: ${(error as Error).message}`);
  }
}

export async function registerEurekaRoutes(app: FastifyInstance, options: EurekaRouteOptions): Promise<void> {
  const { registry, cache, metrics } = options;
  const internal = new RepeatThrottle(10_000);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((thrown: FastifyError | Error, req, reply) => {
    let err: EurekaError;
    if (thrown instanceof EurekaError) err = thrown;
    else {
      const status = (thrown as FastifyError).statusCode;
      if (status === 413)
        err = new EurekaError(
          413,
          `Request body larger than ${options.maxBodyBytes} bytes (registry.maxBodyBytes): send less metadata`,
        );
      else if (typeof status === 'number' && status >= 400 && status < 500)
        err = new EurekaError(status, thrown.message);
      else {
        err = new EurekaError(500, 'Internal error; the server log has the details');
        const suppressed = internal.admit(`${req.routeOptions.url}\0${thrown.message}`);
        if (suppressed !== undefined)
          req.log.error({ err: thrown, url: req.url, suppressed }, 'registry request failed');
      }
    }
    return reply.code(err.httpStatus).type('text/plain; charset=utf-8').send(err.message);
  });

  app.addHook('onRequest', async () => options.ready());
  app.addHook('onResponse', async (_req, reply) => {
    const s = reply.statusCode;
    metrics.requests.inc({ outcome: s >= 500 ? 'server_error' : s >= 400 ? 'client_error' : 'ok' });
  });

  const cached = (req: FastifyRequest, reply: FastifyReply, view: View, name?: string) => {
    const format = formatOf(req);
    const payload: Payload | undefined = cache.get(cacheKey(view, format, name));
    if (payload === undefined) throw notFound(`No application ${name ?? ''}`);
    return sendText(req, reply, format, payload.text, payload.gzipped);
  };
  const instance = (req: FastifyRequest, reply: FastifyReply, entry: Entry | undefined, what: string) => {
    if (!entry) throw notFound(`No instance ${what}`);
    const format = formatOf(req);
    return sendText(req, reply, format, format === 'json' ? instanceJsonText(entry) : instanceXmlText(entry));
  };
  const appOf = (req: Req) => appNameOf(req.params.app ?? '');
  const ok = (reply: FastifyReply) => reply.code(200).type('text/plain; charset=utf-8').send('');
  const missing = (reply: FastifyReply, app: string, id: string) =>
    reply.code(404).type('text/plain; charset=utf-8').send(`No instance ${id} of ${app}`);

  // ---- reads
  for (const path of ['/apps', '/apps/']) app.get(path, async (req, reply) => cached(req, reply, 'apps'));
  app.get('/apps/delta', async (req, reply) => cached(req, reply, 'delta'));
  app.get('/apps/:app', async (req: Req, reply) => cached(req, reply, 'app', appOf(req)));
  app.get('/apps/:app/:id', async (req: Req, reply) =>
    instance(req, reply, registry.instance(appOf(req), req.params.id!), `${req.params.id} of ${appOf(req)}`),
  );
  app.get('/instances/:id', async (req: Req, reply) =>
    instance(req, reply, registry.instanceById(req.params.id!), req.params.id!),
  );
  app.get('/vips/:vip', async (req: Req, reply) => cached(req, reply, 'vip', req.params.vip));
  app.get('/svips/:svip', async (req: Req, reply) => cached(req, reply, 'svip', req.params.svip));

  // ---- writes
  app.post('/apps/:app', async (req: Req, reply) => {
    const { instance, lease } = parseRegistration(bodyOf(req), appOf(req), options.clock.now());
    registry.register(instance, lease);
    metrics.registrations.inc();
    return reply.code(204).send();
  });

  app.put('/apps/:app/:id', async (req: Req, reply) => {
    const app = appOf(req);
    const id = req.params.id!;
    const outcome = registry.renew(
      app,
      id,
      timestampOf(req, 'lastDirtyTimestamp'),
      req.headers[REPLICATION_HEADER] === 'true',
    );
    if (outcome.status === 404) return missing(reply, app, id);
    metrics.renewals.inc();
    if (outcome.status === 409) {
      const format = formatOf(req);
      return reply
        .code(409)
        .type(contentType(format))
        .send(format === 'json' ? instanceJsonText(outcome.entry) : instanceXmlText(outcome.entry));
    }
    return ok(reply);
  });

  app.delete('/apps/:app/:id', async (req: Req, reply) => {
    const app = appOf(req);
    const id = req.params.id!;
    return registry.cancel(app, id) ? ok(reply) : missing(reply, app, id);
  });

  app.put('/apps/:app/:id/status', async (req: Req, reply) => {
    const app = appOf(req);
    const id = req.params.id!;
    const value = single(req.query.value);
    if (value === undefined || value === '')
      throw badRequest('Missing value: PUT .../status?value=OUT_OF_SERVICE');
    const done = registry.setStatus(
      app,
      id,
      statusOf(value, 'status value'),
      timestampOf(req, 'lastDirtyTimestamp'),
    );
    return done ? ok(reply) : missing(reply, app, id);
  });

  app.delete('/apps/:app/:id/status', async (req: Req, reply) => {
    const app = appOf(req);
    const id = req.params.id!;
    const value = single(req.query.value);
    const status = value === undefined || value === '' ? 'UNKNOWN' : statusOf(value, 'status value');
    const done = registry.removeStatusOverride(app, id, status, timestampOf(req, 'lastDirtyTimestamp'));
    return done ? ok(reply) : missing(reply, app, id);
  });

  app.put('/apps/:app/:id/metadata', async (req: Req, reply) => {
    const app = appOf(req);
    const id = req.params.id!;
    const entries: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query)) {
      checkMetadataKey(k);
      entries[k] = single(v) ?? '';
    }
    if (Object.keys(entries).length === 0) throw badRequest('No metadata given: PUT .../metadata?key=value');
    return registry.updateMetadata(app, id, entries) ? ok(reply) : missing(reply, app, id);
  });
}
