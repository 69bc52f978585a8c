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

/** Endpoints worth showing a reader, in the order shown; only those actually registered appear. */
const KNOWN: readonly IndexEntry[] = [
  { method: 'GET', path: '/metrics', description: 'Prometheus metrics of the broker and platform' },
  { method: 'GET', path: '/actuator/health', description: 'health, as Spring Boot Actuator (503 when DOWN)' },
  { method: 'GET', path: '/actuator/health/liveness', description: 'liveness probe' },
  { method: 'GET', path: '/actuator/health/readiness', description: 'readiness probe' },
  { method: 'GET', path: '/actuator/info', description: 'version and Kafka address' },
  { method: 'GET', path: '/actuator/prometheus', description: 'Prometheus metrics (Actuator path)' },
  { method: 'GET', path: '/api/groups', description: 'consumer groups and their lag status (Burrow)' },
  { method: 'GET', path: '/api/groups/:group/status', description: "one group's lag status (Burrow)" },
  { method: 'GET', path: '/api/alerts', description: 'firing and pending alerts (Prometheus format)' },
  { method: 'GET', path: '/api/rules', description: 'alert rules and their state (Prometheus format)' },
  { method: 'POST', path: '/loki/api/v1/push', description: 'push log lines (Loki API)' },
  {
    method: 'GET',
    path: '/loki/api/v1/query_range',
    description: 'LogQL query over a time range (Loki API)',
  },
  { method: 'GET', path: '/loki/api/v1/query', description: 'LogQL instant query (Loki API)' },
  { method: 'GET', path: '/loki/api/v1/labels', description: 'log label names (Loki API)' },
  {
    method: 'GET',
    path: '/loki/api/v1/tail',
    description: 'live tail over WebSocket (Loki API)',
    websocket: true,
  },
];

/**
 * Registers `GET /` and starts noting the routes registered after it; call it before the
 * components add theirs. Answers HTML, or JSON when the client asks for application/json.
 */
export function registerIndexPage(app: FastifyInstance): void {
  const registered = new Set<string>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) registered.add(`${method} ${route.url}`);
  });
  app.get('/', async (req: FastifyRequest, reply: FastifyReply) => {
    const endpoints = KNOWN.filter((e) => registered.has(`${e.method} ${e.path}`));
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
