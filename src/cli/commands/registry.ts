// `sluice registry`: the Eureka-compatible service registry alone, on an HTTP server of its own,
// keeping its state in the events topic of any Kafka cluster (Sluice's or Apache Kafka). Runs
// until SIGINT/SIGTERM.

import Fastify from 'fastify';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { installHttpErrorHandler } from '../../errors/index.js';
import { HealthRegistry } from '../../platform/index.js';
import { DEFAULT_REGISTRY_CONFIG, startServiceRegistry } from '../../registry/index.js';
import {
  BOOTSTRAP_HELP,
  BOOTSTRAP_OPTION,
  bootstrapServers,
  type Command,
  type CommandContext,
  HELP_OPTION,
  intOption,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

const DEFAULT_PORT = 8761;

const usage = `Usage: sluice registry [options]

Runs the Eureka-compatible service registry alone: Eureka's REST API under /eureka/apps and
/eureka/v2/apps, /metrics and /actuator/health, its state in the topic ${DEFAULT_REGISTRY_CONFIG.topic}
(created if missing) of the Kafka cluster at --bootstrap. Stops cleanly on Ctrl-C or SIGTERM.

Options:
${BOOTSTRAP_HELP}
  -p, --port N                     HTTP port; 0 picks a free one (default: ${DEFAULT_PORT}, Eureka's)
  --host HOST                      interface to listen on (default: 127.0.0.1)
  --no-self-preservation           evict expired leases even when most renewals stop
  -h, --help                       show this help

Prints "sluice registry listening on URL" on stdout once it accepts connections. Spring services
point eureka.client.service-url.defaultZone at URL/eureka/. Under 'sluice start' the same API is
served on the platform's HTTP server (the registry: section of the config file).`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'no-self-preservation': { type: 'boolean' },
} as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const bootstrap = bootstrapServers(values.bootstrap, context.env).join(',');
  const port = intOption(values.port, 'port', { min: 0, max: 65535 }) ?? DEFAULT_PORT;
  const host = values.host ?? '127.0.0.1';
  const logger = pino(
    { name: 'sluice', level: context.env.SLUICE_LOG_LEVEL || 'info' },
    pino.destination(2),
  ).child({ component: 'registry' });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const health = new HealthRegistry();
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  installHttpErrorHandler(app);
  const config = { ...DEFAULT_REGISTRY_CONFIG, selfPreservation: !values['no-self-preservation'] };
  const running = startServiceRegistry({ bootstrap, config, logger, registry: metrics, health, app });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  app.get('/actuator/health', async (_req, reply) => {
    const report = await health.report();
    return reply.code(report.status === 'DOWN' ? 503 : 200).send(report);
  });
  const stopping = signalWatcher();
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  await running.rebuilt;
  context.stdout.write(
    `sluice registry listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}\n`,
  );
  return closeOnSignal(stopping, 'sluice registry', context, async () => {
    await app.close();
    await running.close();
  });
}

export const registryCommand: Command = {
  name: 'registry',
  summary: 'run the Eureka-compatible service registry alone',
  usage,
  run,
};
