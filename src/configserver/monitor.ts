// Spring's `/monitor` (spring-cloud-config-monitor): a git webhook or a form `path=...` names
// changed files; each file names services (bus.ts servicesOfPath) and each service gets one
// RefreshRemoteApplicationEvent. As in Spring Cloud Config 5.0.x, an unsigned request is refused
// (403): a request must carry GitHub's `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>`
// with the configured secret (configServer.monitorSecret) — GitHub, Gitea and Gogs sign so, and
// a form can be signed with `openssl dgst -sha256 -hmac`. Without a secret, /monitor refuses all.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SluiceError } from '../errors/index.js';
import { servicesOfPath } from './bus.js';

const PUSH_HEADERS: readonly [string, string][] = [
  ['x-github-event', 'push'],
  ['x-gitea-event', 'push'],
  ['x-gogs-event', 'push'],
  ['x-gitlab-event', 'Push Hook'],
  ['x-git-oschina-event', 'Push Hook'],
];

/** Whether the request carries a valid signature of its raw body with `secret`. */
export function signedWith(req: FastifyRequest, body: Buffer, secret: string): boolean {
  if (secret === '') return false;
  const header = req.headers['x-hub-signature-256'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'utf8');
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The changed files a request names; none for a body Spring's monitor would not understand. */
export function changedPaths(req: FastifyRequest, body: Buffer): string[] {
  const type = String(req.headers['content-type'] ?? '');
  const text = body.toString('utf8');
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(text).getAll('path').filter((p) => p !== '');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `unparsable JSON in the webhook body: ${(error as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SluiceError('INVALID_ARGUMENT', 'the webhook body must be a JSON object');
  }
  const request = parsed as Record<string, unknown>;
  const isPush = PUSH_HEADERS.some(([name, value]) => req.headers[name] === value);
  if (isPush) {
    if (!Array.isArray(request.commits)) return [];
    const paths = new Set<string>();
    for (const commit of request.commits) {
      if (typeof commit !== 'object' || commit === null) continue;
      for (const field of ['added', 'removed', 'modified']) {
        const files = (commit as Record<string, unknown>)[field];
        if (Array.isArray(files)) for (const f of files) if (typeof f === 'string') paths.add(f);
      }
    }
    return [...paths];
  }
  // The form's shape as JSON: {"path": "file"} or {"path": ["file", ...]}.
  const path = request.path;
  if (typeof path === 'string') return [path];
  if (Array.isArray(path)) return path.filter((p): p is string => typeof p === 'string');
  return [];
}

/** The services the files name, each once, in the order Spring's monitor answers them. */
export function servicesOf(paths: readonly string[]): string[] {
  return [...new Set(paths.flatMap(servicesOfPath))];
}
