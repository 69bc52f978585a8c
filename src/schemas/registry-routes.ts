// Confluent Schema Registry's REST API on the platform's HTTP server. Bodies are read as text in
// any content type Confluent's clients send (its own, JSON, octet-stream) and parsed here, so a
// broken body is a Confluent error, not a framework one. Errors answer `{error_code, message}`
// with Confluent's codes (errors.ts), in Confluent's content type.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RepeatThrottle } from '../errors/index.js';
import * as E from './errors.js';
import { SCHEMA_TYPES } from './formats/index.js';
import type { RegistryMetrics } from './registry-metrics.js';
import type { SchemaInput, SchemaRegistry } from './schema-registry.js';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** Room for the JSON around the largest schema (escaping can double its size) and its references. */
const bodyLimitFor = (maxSchemaBytes: number) => maxSchemaBytes * 2 + 64 * 1024;

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string> }>;

export interface RegistryRouteOptions {
  registry: SchemaRegistry;
  metrics: RegistryMetrics;
  maxSchemaBytes: number;
  /** Resolves once the registry has read `_schemas` to its end (rejects with a 500xx error past a bound). */
  caughtUp(): Promise<void>;
}

const flag = (req: Req, name: string) => req.query[name] === 'true';

function send(reply: FastifyReply, body: unknown, status = 200) {
  return reply.code(status).type(CONTENT_TYPE).send(JSON.stringify(body));
}

function bodyOf(req: FastifyRequest): SchemaInput & Record<string, unknown> {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw E.badRequest('The request body must be a JSON object');
  }
  return body as SchemaInput & Record<string, unknown>;
}

function schemaBody(v: {
  subject: string;
  version: number;
  id: number;
  schemaType?: string;
  references?: unknown[];
  schema: string;
}) {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType === undefined ? {} : { schemaType: v.schemaType }),
    ...(v.references === undefined ? {} : { references: v.references }),
    schema: v.schema,
  };
}

export async function registerRegistryRoutes(
  app: FastifyInstance,
  options: RegistryRouteOptions,
): Promise<void> {
  const { registry, metrics } = options;
  const limit = bodyLimitFor(options.maxSchemaBytes);
  const internal = new RepeatThrottle(10_000);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limit }, (_req, text, done) => {
    const raw = String(text);
    if (raw.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(raw));
    } catch (error) {
      done(E.badRequest(`Unparsable JSON in the request body: ${(error as Error).message}`), undefined);
    }
  });

  app.setErrorHandler((thrown: FastifyError | Error, req, reply) => {
    let err: E.SchemaRegistryError;
    if (thrown instanceof E.SchemaRegistryError) err = thrown;
    else {
      const status = (thrown as FastifyError).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        const message =
          status === 413
            ? `Request body larger than ${limit} bytes (schemas.maxSchemaBytes is ${options.maxSchemaBytes})`
            : thrown.message;
        err = new E.SchemaRegistryError(status, message);
      } else {
        err = new E.SchemaRegistryError(500, 'Internal error; the server log has the details');
        const suppressed = internal.admit(`${req.routeOptions.url}\0${thrown.message}`);
        if (suppressed !== undefined)
          req.log.error({ err: thrown, url: req.url, suppressed }, 'schema registry request failed');
      }
    }
    if (err.httpStatus >= 500 && err.cause !== undefined) req.log.warn({ err: err.cause }, err.message);
    return send(reply, { error_code: err.errorCode, message: err.message }, err.httpStatus);
  });

  app.addHook('onRequest', async () => options.caughtUp());
  app.addHook('onResponse', async (_req, reply) => {
    const s = reply.statusCode;
    metrics.requests.inc({ outcome: s >= 500 ? 'server_error' : s >= 400 ? 'client_error' : 'ok' });
  });

  // ---- schemas by id
  app.get('/schemas/types', async (_req, reply) => send(reply, SCHEMA_TYPES));
  const idOf = (req: Req) => {
    const id = Number(req.params.id);
    if (!/^\d{1,10}$/.test(req.params.id ?? '') || id < 1) throw E.schemaNotFound();
    return id;
  };
  app.get('/schemas/ids/:id', async (req: Req, reply) => {
    const s = registry.schemaById(idOf(req));
    return send(reply, {
      ...(s.schemaType === 'AVRO' ? {} : { schemaType: s.schemaType }),
      ...(s.references.length > 0 ? { references: s.references } : {}),
      schema: registry.schemaText(s.id, req.query.format),
    });
  });
  app.get('/schemas/ids/:id/schema', async (req: Req, reply) =>
    reply.type(CONTENT_TYPE).send(registry.schemaText(idOf(req), req.query.format)),
  );
  app.get('/schemas/ids/:id/subjects', async (req: Req, reply) =>
    send(reply, [
      ...new Set(registry.subjectVersionsOfId(idOf(req), flag(req, 'deleted')).map((sv) => sv.subject)),
    ]),
  );
  app.get('/schemas/ids/:id/versions', async (req: Req, reply) =>
    send(reply, registry.subjectVersionsOfId(idOf(req), flag(req, 'deleted'))),
  );

  // ---- subjects
  app.get('/subjects', async (req: Req, reply) => send(reply, registry.subjects(flag(req, 'deleted'))));
  app.get('/subjects/:subject/versions', async (req: Req, reply) =>
    send(reply, registry.versions(req.params.subject!, flag(req, 'deleted'))),
  );
  app.post('/subjects/:subject/versions', async (req: Req, reply) =>
    send(reply, { id: (await registry.register(req.params.subject!, bodyOf(req))).id }),
  );
  app.post('/subjects/:subject', async (req: Req, reply) =>
    send(reply, schemaBody(registry.lookup(req.params.subject!, bodyOf(req), flag(req, 'deleted')))),
  );
  app.get('/subjects/:subject/versions/:version', async (req: Req, reply) => {
    const v = registry.version(req.params.subject!, req.params.version!, flag(req, 'deleted'));
    return send(reply, schemaBody({ ...v, schema: registry.schemaText(v.id, req.query.format) }));
  });
  app.get('/subjects/:subject/versions/:version/schema', async (req: Req, reply) =>
    reply
      .type(CONTENT_TYPE)
      .send(registry.version(req.params.subject!, req.params.version!, flag(req, 'deleted')).schema),
  );
  app.get('/subjects/:subject/versions/:version/referencedby', async (req: Req, reply) =>
    send(reply, registry.referencedBy(req.params.subject!, req.params.version!)),
  );
  app.delete('/subjects/:subject', async (req: Req, reply) =>
    send(reply, await registry.deleteSubject(req.params.subject!, flag(req, 'permanent'))),
  );
  app.delete('/subjects/:subject/versions/:version', async (req: Req, reply) =>
    send(
      reply,
      await registry.deleteVersion(req.params.subject!, req.params.version!, flag(req, 'permanent')),
    ),
  );

  // ---- compatibility
  const compatibility = async (req: Req, reply: FastifyReply, version: string | undefined) => {
    const messages = registry.checkCompatibility(req.params.subject!, version, bodyOf(req));
    const body: Record<string, unknown> = { is_compatible: messages.length === 0 };
    if (flag(req, 'verbose')) body.messages = messages;
    return send(reply, body);
  };
  app.post('/compatibility/subjects/:subject/versions/:version', async (req: Req, reply) =>
    compatibility(req, reply, req.params.version),
  );
  app.post('/compatibility/subjects/:subject/versions', async (req: Req, reply) =>
    compatibility(req, reply, undefined),
  );

  // ---- config and mode
  const subjectOrGlobal = (req: Req) => req.params.subject ?? null;
  for (const path of ['/config', '/config/:subject']) {
    app.get(path, async (req: Req, reply) =>
      send(reply, {
        compatibilityLevel: registry.compatibilityOf(subjectOrGlobal(req), flag(req, 'defaultToGlobal')),
      }),
    );
    app.put(path, async (req: Req, reply) =>
      send(reply, {
        compatibility: await registry.setCompatibility(subjectOrGlobal(req), bodyOf(req).compatibility),
      }),
    );
    app.delete(path, async (req: Req, reply) =>
      send(reply, { compatibilityLevel: await registry.deleteCompatibility(subjectOrGlobal(req)) }),
    );
  }
  for (const path of ['/mode', '/mode/:subject']) {
    app.get(path, async (req: Req, reply) =>
      send(reply, { mode: registry.modeOf(subjectOrGlobal(req), flag(req, 'defaultToGlobal')) }),
    );
    app.put(path, async (req: Req, reply) =>
      send(reply, {
        mode: await registry.setMode(subjectOrGlobal(req), bodyOf(req).mode, flag(req, 'force')),
      }),
    );
  }
  app.delete('/mode/:subject', async (req: Req, reply) =>
    send(reply, { mode: await registry.deleteMode(req.params.subject!) }),
  );
}
