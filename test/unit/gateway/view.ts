// A RequestView for unit tests of predicates and filters.

import type { IncomingHttpHeaders } from 'node:http';
import { parseCookies, type RequestView } from '../../../src/gateway/request-view.js';

export function view(over: Partial<Omit<RequestView, 'cookies'>> & { cookie?: string } = {}): RequestView {
  const headers: IncomingHttpHeaders = { ...(over.headers ?? {}) };
  if (over.cookie !== undefined) headers.cookie = over.cookie;
  return {
    method: over.method ?? 'GET',
    path: over.path ?? '/',
    query: over.query ?? new URLSearchParams(),
    headers,
    host: over.host ?? 'localhost',
    remoteAddress: over.remoteAddress ?? '127.0.0.1',
    now: over.now ?? Date.parse('2026-01-01T00:00:00Z'),
    cookies: () => parseCookies(headers.cookie),
    weightChoice: over.weightChoice ?? (() => undefined),
  };
}
