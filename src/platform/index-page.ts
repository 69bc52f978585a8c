// `GET /`: what the platform HTTP server serves, until the web console takes this page over.
// `sluice start` prints this address, so it must answer something useful rather than 404.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface IndexEntry {
  readonly method: string;
  readonly path: string;
  readonly description: string;
  /** A WebSocket endpoint: a plain GET of it is answered 404, so it is not linked. */
  readonly websocket?: boolean;
}

/**
 * Registers `GET /` and starts noting the routes registered after it; call it before the
 * components add theirs. Lists `entries` (the components' endpoints, in their order) that were
 * actually registered. Answers HTML, or JSON when the client asks for application/json.
 */
export function registerIndexPage(app: FastifyInstance, entries: readonly IndexEntry[]): void {
  const registered = new Set<string>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) registered.add(`${method} ${route.url}`);
  });
  app.get('/', async (req: FastifyRequest, reply: FastifyReply) => {
    const endpoints = entries.filter((e) => registered.has(`${e.method} ${e.path}`));
    if (wantsJson(req)) return reply.send({ name: 'sluice', endpoints });
    return reply.type('text/html; charset=utf-8').send(html(endpoints));
  });
}

function wantsJson(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(endpoints: readonly IndexEntry[]): string {
  const rows = endpoints.map((e) => {
    // Parameterised paths, WebSockets and non-GET endpoints are not useful as links.
    const path =
      e.method === 'GET' && !e.websocket && !e.path.includes(':')
        ? `<a href="${escapeHtml(e.path)}">${escapeHtml(e.path)}</a>`
        : escapeHtml(e.path);
    return `<tr><td>${e.method}</td><td>${path}</td><td>${escapeHtml(e.description)}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sluice</title></head>
<body>
<h1>Sluice</h1>
<p>The web console arrives with a later milestone. This server answers:</p>
<table>
<tr><th>method</th><th>path</th><th>what</th></tr>
${rows.join('\n')}
</table>
</body></html>
`;
}
