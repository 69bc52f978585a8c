import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { SluiceError } from '../errors/index.js';
import type { HealthRegistry, HealthStatus } from './health/health.js';

export interface ActuatorOptions {
  health: HealthRegistry;
  registry: Registry;
  /** What /actuator/info shows. */
  info: () => Record<string, unknown>;
  /** Readiness: false until start-up is complete and again while shutting down. */
  ready: () => boolean;
}

const ACTUATOR_V3 = 'application/vnd.spring-boot.actuator.v3+json';
// Spring answers 503 for these two and 200 for the rest.
const UNAVAILABLE: readonly HealthStatus[] = ['DOWN', 'OUT_OF_SERVICE'];

/**
 * Spring Boot Actuator's endpoints as its clients and probes expect them: health with its
 * components, the liveness and readiness groups, info, and Prometheus exposition.
 */
export function registerActuatorRoutes(app: FastifyInstance, options: ActuatorOptions): void {
  const { health, registry } = options;

  const metrics = async (_req: FastifyRequest, reply: FastifyReply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  };
  app.get('/metrics', metrics);
  app.get('/actuator/prometheus', metrics);

  app.get('/actuator', async (req, reply) => {
    const base = `${req.protocol}://${req.host}/actuator`;
    const link = (path: string, templated = false) => ({ href: `${base}${path}`, templated });
    return send(req, reply, 200, {
      _links: {
        self: link(''),
        health: link('/health'),
        'health-path': link('/health/{*path}', true),
        info: link('/info'),
        prometheus: link('/prometheus'),
      },
    });
  });

  app.get('/actuator/health', async (req, reply) => {
    const report = await health.report();
    return send(req, reply, statusCode(report.status), report);
  });
  app.get('/actuator/health/liveness', async (req, reply) =>
    // The process answers, so it is live; a wedged event loop cannot answer at all.
    send(req, reply, 200, { status: 'UP' }),
  );
  app.get('/actuator/health/readiness', async (req, reply) => {
    const status: HealthStatus = options.ready() ? 'UP' : 'OUT_OF_SERVICE';
    return send(req, reply, statusCode(status), { status });
  });
  app.get<{ Params: { component: string } }>('/actuator/health/:component', async (req, reply) => {
    const report = await health.report();
    const component = report.components[req.params.component];
    if (!component) {
      throw new SluiceError('NOT_FOUND', `no health component '${req.params.component}'`, {
        hint: `known components: ${Object.keys(report.components).join(', ')}`,
      });
    }
    return send(req, reply, statusCode(component.status), component);
  });
  app.get('/actuator/info', async (req, reply) => send(req, reply, 200, options.info()));
}

function statusCode(status: HealthStatus): number {
  return UNAVAILABLE.includes(status) ? 503 : 200;
}

/** Actuator's own media type when the client asks for it, plain JSON otherwise. */
function send(req: FastifyRequest, reply: FastifyReply, code: number, body: unknown) {
  const wantsV3 = (req.headers.accept ?? '').includes(ACTUATOR_V3);
  return reply
    .code(code)
    .type(wantsV3 ? ACTUATOR_V3 : 'application/json')
    .send(JSON.stringify(body));
}
