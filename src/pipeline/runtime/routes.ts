// The pipelines' admin API on the platform's HTTP server: list, describe, apply (PUT, YAML or
// JSON), delete, pause and resume, and replay of a dead-letter topic. Errors in the platform's
// JSON shape: a definition that does not compile is 400 INVALID_CONFIG naming the pipeline and key.

import type { FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { SluiceError } from '../../errors/index.js';
import { type PipelineManager, parseDefinition } from './manager.js';
import { type ReplayOptions, replayDeadLetters } from './replay.js';

const BODY_LIMIT = 1024 * 1024;

interface NameParams {
  name: string;
}

export interface PipelineRoutesOptions {
  readonly manager: PipelineManager;
  readonly bootstrap: string[];
}

function bodyObject(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return parseYaml(body);
  } catch (error) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `the body is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

export async function registerPipelineRoutes(
  app: FastifyInstance,
  options: PipelineRoutesOptions,
): Promise<void> {
  const { manager } = options;
  // YAML (or any text) as well as JSON: the same files `sluice pipeline apply` reads.
  for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, text, done) =>
      done(null, text),
    );
  }

  app.get('/api/pipelines', async () => ({ pipelines: manager.list() }));

  app.get<{ Params: NameParams }>('/api/pipelines/:name', async (req) => {
    const detail = manager.detail(req.params.name);
    // Lag is a look at the cluster: when it cannot be had the rest is still answered.
    const lag = await manager.lag(req.params.name).catch(() => undefined);
    return lag === undefined ? detail : { ...detail, lag };
  });

  app.put<{ Params: NameParams }>('/api/pipelines/:name', { bodyLimit: BODY_LIMIT }, async (req, reply) => {
    const { name } = req.params;
    const definition = parseDefinition(name, bodyObject(req.body));
    const { created } = await manager.apply(name, definition);
    return reply.code(created ? 201 : 200).send(manager.detail(name));
  });

  app.delete<{ Params: NameParams }>('/api/pipelines/:name', async (req, reply) => {
    await manager.delete(req.params.name);
    return reply.code(204).send();
  });

  app.post<{ Params: NameParams }>('/api/pipelines/:name/pause', async (req) =>
    manager.setPaused(req.params.name, true),
  );
  app.post<{ Params: NameParams }>('/api/pipelines/:name/resume', async (req) =>
    manager.setPaused(req.params.name, false),
  );

  app.post('/api/pipelines/replay', async (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    return replayDeadLetters({ ...replayOptionsOf(body), bootstrap: options.bootstrap });
  });
}

const OFFSET = /^\d+$/;

/** The replay request's body: `{topic, to?, filter?, fromOffset?, toOffset?, fromTime?, toTime?}`. */
function replayOptionsOf(body: Record<string, unknown>): Omit<ReplayOptions, 'bootstrap'> {
  const text = (key: string) => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      throw new SluiceError('INVALID_ARGUMENT', `${key} must be a non-empty string`);
    return value;
  };
  const offset = (key: string) => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (!OFFSET.test(String(value)))
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `${key} must be an offset (an integer >= 0), got ${JSON.stringify(value)}`,
      );
    return BigInt(String(value));
  };
  const time = (key: string) => {
    const value = body[key];
    if (value === undefined) return undefined;
    const ms = typeof value === 'number' ? value : Date.parse(String(value));
    if (!Number.isFinite(ms))
      throw new SluiceError('INVALID_ARGUMENT', `${key} must be a time (ms since the epoch or RFC 3339)`);
    return ms;
  };
  const topic = text('topic');
  if (topic === undefined)
    throw new SluiceError('INVALID_ARGUMENT', 'topic (the dead-letter topic) is required');
  const known = new Set(['topic', 'to', 'filter', 'fromOffset', 'toOffset', 'fromTime', 'toTime']);
  for (const key of Object.keys(body))
    if (!known.has(key))
      throw new SluiceError('INVALID_ARGUMENT', `unknown key '${key}' (expected ${[...known].join(', ')})`);
  return {
    topic,
    to: text('to'),
    filter: text('filter'),
    fromOffset: offset('fromOffset'),
    toOffset: offset('toOffset'),
    fromTime: time('fromTime'),
    toTime: time('toTime'),
  };
}
