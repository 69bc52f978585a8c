// `sluice gateway`: the API gateway alone, its routes from the `gateway:` section of a config
// file (reloaded when the file changes; a file with a bad route leaves the routes in force),
// lb:// targets resolved from the registry's events topic on the Kafka cluster at --bootstrap.
// Runs until SIGINT/SIGTERM.

import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pino } from 'pino';
import { ConfigError, type FlagSetting, loadConfig } from '../../config/index.js';
import { DEFAULT_GATEWAY_CONFIG, type RouteConfigError, startGateway } from '../../gateway/index.js';
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
import { CliError } from '../errors.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

const usage = `Usage: sluice gateway [options]

Runs the API gateway alone: routes in Spring Cloud Gateway's model (the gateway: section of the
config file), lb://SERVICE targets balanced over the UP instances in Sluice's registry (its
events topic on the Kafka cluster at --bootstrap). Stops cleanly on Ctrl-C or SIGTERM.

Options:
${BOOTSTRAP_HELP}
  -p, --port N                     port; 0 picks a free one (default: gateway.port, ${DEFAULT_GATEWAY_CONFIG.port})
  --host HOST                      interface to listen on (default: gateway.host, ${DEFAULT_GATEWAY_CONFIG.host})
  --admin-port N                   admin listener: GET /metrics, /api/gateway/routes|upstreams|breakers;
                                   0 picks a free one, -1 none (default: gateway.adminPort, none)
  -c, --config FILE                config file with a gateway: section (default: $SLUICE_CONFIG);
                                   reloaded when it changes, and kept as it was if the new one is invalid
  -h, --help                       show this help

Prints "sluice gateway listening on URL" on stdout once it accepts connections (and
"sluice gateway admin on URL" when the admin listener is on).`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'admin-port': { type: 'string' },
  config: { type: 'string', short: 'c' },
} as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const bootstrap = bootstrapServers(values.bootstrap, context.env).join(',');
  const port = intOption(values.port, 'port', { min: 0, max: 65535 });
  const adminPort = intOption(values['admin-port'], 'admin-port', { min: -1, max: 65535 });
  const flags: FlagSetting[] = [];
  if (adminPort !== undefined)
    flags.push({ key: 'gateway.adminPort', value: String(adminPort), flag: '--admin-port' });
  if (port !== undefined) flags.push({ key: 'gateway.port', value: String(port), flag: '--port' });
  if (values.host !== undefined) flags.push({ key: 'gateway.host', value: values.host, flag: '--host' });
  const path = values.config ?? (context.env.SLUICE_CONFIG || undefined);
  const load = async () => (await loadConfig({ path, env: context.env, flags })).config.gateway;
  const config = await load().catch((error: unknown) => {
    throw error instanceof ConfigError ? new CliError(error.message) : error;
  });
  const logger = pino(
    { name: 'sluice', level: context.env.SLUICE_LOG_LEVEL || 'info' },
    pino.destination(2),
  ).child({ component: 'gateway' });
  const stopping = signalWatcher();
  const gateway = await startGateway({ config, bootstrap, logger });
  context.stdout.write(`sluice gateway listening on ${gateway.url}\n`);
  if (gateway.adminUrl) context.stdout.write(`sluice gateway admin on ${gateway.adminUrl}\n`);

  // Editors write a file in several steps, or write a new one and rename it over the old: watch
  // the directory, and reload once the file has been quiet for a moment.
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    load()
      .then((next) => {
        gateway.reload(next.routes);
        logger.info({ routes: next.routes.length }, 'routes reloaded');
      })
      .catch((error: unknown) => {
        const problems = (error as RouteConfigError | ConfigError).message;
        logger.error({ problems }, 'the config file has problems; the routes in force stay');
      });
  };
  const watcher =
    path === undefined
      ? undefined
      : watch(dirname(resolve(path)), (_event, name) => {
          if (name !== null && name !== basename(path)) return;
          clearTimeout(timer);
          timer = setTimeout(reload, 100);
        });
  return closeOnSignal(stopping, 'sluice gateway', context, async () => {
    watcher?.close();
    clearTimeout(timer);
    await gateway.close();
  });
}

export const gatewayCommand: Command = { name: 'gateway', summary: 'run the API gateway alone', usage, run };
