// Burrow's v3 HTTP answers for consumer status, on the platform's fastify server:
// GET /api/groups/:group/status (Burrow's /v3/kafka/:cluster/consumer/:group/status) and
// GET /api/groups (the group list, each with its status).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LagMonitor } from './lag-monitor.js';

function requestInfo(req: FastifyRequest) {
  return { url: req.url, host: req.hostname };
}

export function registerLagRoutes(app: FastifyInstance, monitor: LagMonitor): void {
  app.get<{ Params: { group: string } }>('/api/groups/:group/status', async (req, reply) => {
    const status = monitor.status(req.params.group);
    if (!status) {
      return reply
        .code(404)
        .send({ error: true, message: 'cluster or consumer not found', request: requestInfo(req) });
    }
    return { error: false, message: 'consumer status returned', status, request: requestInfo(req) };
  });

  app.get('/api/groups', async (req) => {
    const statuses = monitor.statuses();
    return {
      error: false,
      message: 'consumer list returned',
      consumers: statuses.map((s) => s.group),
      groups: statuses.map((s) => ({
        group: s.group,
        status: s.status,
        complete: s.complete,
        partition_count: s.partition_count,
        totallag: s.totallag,
        maxlag: s.maxlag,
      })),
      request: requestInfo(req),
    };
  });
}
