// Sluice's admin API of the config server (what `sluice config` speaks):
//   GET    /api/config/properties[?application=&profile=&label=]   list (secrets masked)
//   GET    /api/config/properties/{app}/{profile}/{key}[?label=]    one (masked)
//   PUT    /api/config/properties/{app}/{profile}/{key}[?label=]    {"value", "secret"?, "author"?}
//   DELETE /api/config/properties/{app}/{profile}/{key}[?label=&author=]
//   GET    /api/config/history[?application=&profile=&label=&key=] every change, oldest first

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors/index.js';
import type { ConfigStore } from './config-store.js';
import { checkApplication, checkKey, checkLabel, checkProfile } from './names.js';
import type { PropertyAddress } from './records.js';

export const ADMIN_PREFIX = '/api/config';
const MAX_AUTHOR = 128;

type Req = FastifyRequest<{
  Params: Record<string, string>;
  Querystring: Record<string, string | undefined>;
}>;

export interface AdminRouteOptions {
  store: ConfigStore;
  defaultLabel: string;
  caughtUp(): Promise<void>;
}

export function registerAdminRoutes(app: FastifyInstance, options: AdminRouteOptions): void {
  const { store } = options;
  const labelOf = (req: Req) => checkLabel(req.query.label || options.defaultLabel);
  const addressOf = (req: Req): PropertyAddress => ({
    application: checkApplication(req.params.application ?? ''),
    profile: checkProfile(req.params.profile ?? ''),
    label: labelOf(req),
    key: checkKey(req.params.key ?? ''),
  });
  const optional = (value: string | undefined, check: (v: string) => string) =>
    value === undefined || value === '' ? undefined : check(value);

  app.get(`${ADMIN_PREFIX}/properties`, async (req: Req) => {
    await options.caughtUp();
    const filter = {
      application: optional(req.query.application, checkApplication),
      profile: optional(req.query.profile, checkProfile),
      label: optional(req.query.label, checkLabel),
    };
    return {
      properties: store.list(
        Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as typeof filter,
      ),
    };
  });

  const one = `${ADMIN_PREFIX}/properties/:application/:profile/:key`;
  app.get(one, async (req: Req) => {
    await options.caughtUp();
    return store.get(addressOf(req));
  });

  app.put(one, async (req: Req) => {
    const address = addressOf(req);
    const body = jsonObject(req.body);
    if (typeof body.value !== 'string') {
      throw new SluiceError('INVALID_ARGUMENT', `the body's "value" of '${address.key}' must be a string`, {
        details: { key: address.key },
      });
    }
    if (body.secret !== undefined && typeof body.secret !== 'boolean') {
      throw new SluiceError('INVALID_ARGUMENT', `the body's "secret" must be true or false`);
    }
    await options.caughtUp();
    return store.set({
      ...address,
      value: body.value,
      secret: body.secret === true,
      author: authorOf(req, body),
    });
  });

  app.delete(one, async (req: Req) => {
    const address = addressOf(req);
    await options.caughtUp();
    const { version } = await store.remove(address, authorOf(req, {}));
    return { ...address, removed: true, version };
  });

  app.get(`${ADMIN_PREFIX}/history`, async (req: Req) => {
    const filter: Partial<PropertyAddress> = {};
    if (req.query.application) filter.application = checkApplication(req.query.application);
    if (req.query.profile) filter.profile = checkProfile(req.query.profile);
    if (req.query.label) filter.label = checkLabel(req.query.label);
    if (req.query.key) filter.key = checkKey(req.query.key);
    return { changes: await store.history(filter) };
  });
}

function jsonObject(body: unknown): Record<string, unknown> {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `unparsable JSON in the request body: ${(error as Error).message}`,
      {
        hint: 'send {"value": "..."} (and optionally "secret": true, "author": "name")',
      },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      'the request body must be a JSON object such as {"value": "..."}',
    );
  }
  return parsed as Record<string, unknown>;
}

function authorOf(req: Req, body: Record<string, unknown>): string {
  const given =
    typeof body.author === 'string' ? body.author : (req.query.author ?? req.headers['x-config-author']);
  const author = typeof given === 'string' && given.trim() !== '' ? given.trim() : 'anonymous';
  if (author.length > MAX_AUTHOR) {
    throw new SluiceError('INVALID_ARGUMENT', `an author name is at most ${MAX_AUTHOR} characters`);
  }
  return author;
}
