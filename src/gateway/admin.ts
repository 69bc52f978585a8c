// The gateway's admin listener (Spring's management port): GET /metrics and the JSON views under
// /api/gateway/. A port of its own rather than reserved paths on the gateway's port, so no route
// of the user's is shadowed and the admin side can be kept off the public interface.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { breakersOf, type GatewayObserver, type ObserverSources, upstreamsOf } from './observe.js';

export function createAdminServer(observer: GatewayObserver, sources: ObserverSources): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(405, {
        status: 405,
        error: 'Method Not Allowed',
        message: `${req.method} is not served here`,
      });
    }
    if (path === '/metrics') {
      observer.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': observer.registry.contentType });
          res.end(text);
        },
        (error: Error) => json(500, { status: 500, error: 'Internal Server Error', message: error.message }),
      );
      return;
    }
    if (path === '/api/gateway/routes') return json(200, routesView(sources));
    if (path === '/api/gateway/upstreams') return json(200, upstreamsView(sources));
    if (path === '/api/gateway/breakers') return json(200, breakersView(sources));
    json(404, {
      status: 404,
      error: 'Not Found',
      message: `${path} is not an admin path (/metrics, /api/gateway/routes, /api/gateway/upstreams, /api/gateway/breakers)`,
    });
  });
}

function routesView(sources: ObserverSources) {
  return sources.routes().routes.map((r) => ({
    id: r.id,
    uri: r.uri,
    order: r.order,
    predicates: r.definition?.predicates ?? [],
    filters: r.definition?.filters ?? [],
    metadata: r.metadata,
  }));
}

function upstreamsView(sources: ObserverSources) {
  const services = new Map<string, Array<{ url: string; status: 'UP'; ejected: boolean }>>();
  for (const r of sources.routes().routes) if (r.target.kind === 'lb') services.set(r.target.service, []);
  for (const { service, upstream, ejected } of upstreamsOf(sources))
    services.get(service)?.push({ url: upstream, status: 'UP', ejected });
  return [...services].map(([service, instances]) => ({ service, instances }));
}

function breakersView(sources: ObserverSources) {
  return breakersOf(sources.routes()).map(({ route, breaker }) => {
    const m = breaker.metrics();
    return {
      route,
      name: breaker.name,
      state: m.state,
      failureRate: m.failureRate,
      slowCallRate: m.slowCallRate,
      bufferedCalls: m.calls,
      failedCalls: m.failedCalls,
      slowCalls: m.slowCalls,
      notPermittedCalls: m.notPermittedCalls,
    };
  });
}
