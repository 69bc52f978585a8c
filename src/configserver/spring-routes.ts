// Spring Cloud Config Server's HTTP API under the configured prefix: environments
// (`/{application}/{profiles}[/{label}]`, plain JSON or Spring's v2 media type), documents
// (`[/{label}]/{application}-{profiles}.yml|.yaml|.properties|.json`), and `/encrypt`,
// `/decrypt`, `/encrypt/status` with Spring's answers. One wildcard route parses the path as
// Spring does, so a more specific route of another component under the same prefix (the schema
// registry's `GET /config/{subject}`) keeps its paths: only one-segment documents are lost there.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors/index.js';
import { CIPHER_PREFIX, type TextCipher } from './cipher.js';
import type { ConfigState } from './config-state.js';
import { buildEnvironment, type EnvironmentBody } from './environment.js';
import type { ConfigMetrics } from './metrics.js';
import { checkApplication, checkLabel, decodeSlashes, parseProfiles } from './names.js';
import { type DocumentFormat, renderDocument } from './render.js';

export const V2_MEDIA_TYPE = 'application/vnd.spring-cloud.config-server.v2+json';
const DOCUMENT = /^(.+)-([^-]+)\.(yml|yaml|properties|json)$/;

export interface SpringRouteOptions {
  prefix: string;
  defaultLabel: string;
  state: ConfigState;
  cipher: TextCipher | undefined;
  metrics: ConfigMetrics;
  /** Resolves once the values topic has been read to its end. */
  caughtUp(): Promise<void>;
}

type Target =
  | { kind: 'environment'; name: string; profiles: string; label?: string }
  | { kind: 'document'; name: string; profiles: string; label?: string; format: DocumentFormat };

/** The path below the prefix, as Spring's EnvironmentController maps it. */
function targetOf(segments: string[]): Target | undefined {
  const file = (text: string, label?: string): Target | undefined => {
    const match = DOCUMENT.exec(text);
    if (!match) return undefined;
    const [, name, profiles, ext] = match as unknown as [string, string, string, DocumentFormat];
    return { kind: 'document', name, profiles, format: ext, ...(label === undefined ? {} : { label }) };
  };
  const [a, b, c] = segments;
  if (segments.length === 1 && a) return file(a);
  if (segments.length === 2 && a && b) return file(b, a) ?? { kind: 'environment', name: a, profiles: b };
  if (segments.length === 3 && a && b && c) return { kind: 'environment', name: a, profiles: b, label: c };
  return undefined;
}

export function registerSpringRoutes(app: FastifyInstance, options: SpringRouteOptions): void {
  const { prefix, state, cipher, metrics } = options;

  const environmentOf = (target: Target): EnvironmentBody => {
    const name = decodeSlashes(target.name);
    for (const n of name.split(',')) if (n.trim() !== '') checkApplication(n.trim());
    const profiles = parseProfiles(target.profiles);
    const label = target.label === undefined ? options.defaultLabel : checkLabel(decodeSlashes(target.label));
    if (label !== options.defaultLabel && !state.hasLabel(label)) {
      throw new SluiceError('NOT_FOUND', `no such label: ${label}`, {
        hint: `labels with values, and the default label ${options.defaultLabel}, are served`,
        details: { label },
      });
    }
    return buildEnvironment(state, { name, profiles, label }, cipher);
  };

  app.get(`${prefix}/*`, async (req, reply) => {
    const path = (req.url.split('?')[0] ?? '').slice(prefix.length + 1);
    const segments = path.split('/').map((s) => safeDecode(s));
    const target = targetOf(segments);
    const format = target?.kind === 'document' ? target.format : 'environment';
    try {
      if (target === undefined) throw new SluiceError('NOT_FOUND', `no route for ${req.url}`);
      await options.caughtUp();
      const environment = environmentOf(target);
      metrics.fetches.inc({ format, outcome: 'ok' });
      if (target.kind === 'document') {
        const type = target.format === 'json' ? 'application/json' : 'text/plain; charset=utf-8';
        const resolve = (req.query as Record<string, string | undefined>).resolvePlaceholders !== 'false';
        return reply.type(type).send(renderDocument(environment, target.format, resolve));
      }
      const v2 = (req.headers.accept ?? '').includes(V2_MEDIA_TYPE);
      return reply.type(v2 ? V2_MEDIA_TYPE : 'application/json').send(JSON.stringify(environment));
    } catch (error) {
      const status = error instanceof SluiceError ? error.httpStatus : 500;
      metrics.fetches.inc({ format, outcome: status < 500 ? 'client_error' : 'server_error' });
      throw error;
    }
  });

  // Spring's EncryptionController, with its own status bodies.
  const noKey = (reply: FastifyReply) =>
    reply.code(404).send({ status: 'NO_KEY', description: 'No key was installed for encryption service' });

  app.get(`${prefix}/encrypt/status`, async (_req, reply) =>
    cipher === undefined ? noKey(reply) : reply.send({ status: 'OK' }),
  );
  app.post(`${prefix}/encrypt`, async (req, reply) => {
    if (cipher === undefined) return noKey(reply);
    return reply.type('text/plain; charset=utf-8').send(cipher.encrypt(formText(req, false)));
  });
  app.post(`${prefix}/decrypt`, async (req, reply) => {
    if (cipher === undefined) return noKey(reply);
    let text = formText(req, true);
    if (text.startsWith(CIPHER_PREFIX)) text = text.slice(CIPHER_PREFIX.length);
    let plain: string;
    try {
      plain = cipher.decrypt(text);
    } catch {
      return reply.code(400).send({ status: 'INVALID', description: 'Text not encrypted with this key' });
    }
    return reply.type('text/plain; charset=utf-8').send(plain);
  });
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new SluiceError('INVALID_ARGUMENT', `malformed URL segment '${segment}'`);
  }
}

/** The body as text; `curl -d` sends a form whose one field is the text (and a trailing `=`). */
function formText(req: FastifyRequest, cipher: boolean): string {
  let data = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const type = String(req.headers['content-type'] ?? '');
  if (data.endsWith('=') && !type.startsWith('text/plain')) {
    try {
      data = decodeURIComponent(data.replaceAll('+', ' '));
    } catch {
      // Not form-encoded after all: taken as it is.
    }
    if (cipher) data = data.replaceAll(' ', '+');
    if (data.endsWith('=')) data = data.slice(0, -1);
  }
  return data.trim();
}
