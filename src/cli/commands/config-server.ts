// `sluice config-server`: the Spring Cloud Config-compatible server alone, against any Kafka
// broker (Sluice's or Apache Kafka), serving Spring's API at the root as Spring's own server does.

import { pino } from 'pino';
import { ConfigError, formatProblem, loadConfig } from '../../config/index.js';
import { logDestination } from '../../platform/log-format.js';
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
import { CliError, UsageError } from '../errors.js';
import { LOG_FORMAT_FLAG_SPEC, LOG_FORMAT_HELP, logFormatOption } from '../log-format-flag.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

const DEFAULT_PORT = 8888;

const usage = `Usage: sluice config-server --bootstrap HOST:PORT [options]

Runs the Spring Cloud Config-compatible server alone: Spring's API at the root
(/{application}/{profiles}[/{label}], /{application}-{profiles}.yml, /encrypt, /decrypt),
/monitor, the admin API (/api/config, what 'sluice config --url' speaks), /metrics and
/actuator/health. Values live in Kafka topics, so several servers (and 'sluice start') can share
them. Stops cleanly on Ctrl-C or SIGTERM.

Options:
${BOOTSTRAP_HELP}
  --port N          HTTP port; 0 picks a free one (default: ${DEFAULT_PORT}, as Spring's)
  --host HOST       HTTP interface (default: 127.0.0.1)
  --config FILE     a config file; its configServer: section applies (topics, token,
                    monitorSecret, ...; the prefix is ignored). Default: $SLUICE_CONFIG
${LOG_FORMAT_HELP}
  -h, --help        show this help

Secrets: set ENCRYPT_KEY (and optionally ENCRYPT_SALT) to store {cipher} values, as Spring's
encrypt.key.`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  ...LOG_FORMAT_FLAG_SPEC,
  port: { type: 'string' },
  host: { type: 'string' },
  config: { type: 'string' },
} as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const bootstrap = bootstrapServers(values.bootstrap, context.env);
  const port = intOption(values.port, 'port', { min: 0, max: 65535 }) ?? DEFAULT_PORT;
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host must not be empty', usage);
  const logFormat = logFormatOption(values['log-format'], context.stderr);
  const path = values.config ?? (context.env.SLUICE_CONFIG || undefined);
  let config: Awaited<ReturnType<typeof loadConfig>>['config'];
  try {
    config = (await loadConfig({ path, env: context.env })).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new CliError(err.problems.map(formatProblem).join('\n'), 'INVALID_CONFIG');
  }
  const logger = pino({ name: 'sluice', level: 'info' }, logDestination(logFormat));
  const { runStandaloneConfigServer } = await import('../../configserver/index.js');
  const stopping = signalWatcher();
  const server = await runStandaloneConfigServer({
    bootstrap: bootstrap.join(','),
    host,
    port,
    config: config.configServer,
    logger,
    env: context.env,
  });
  context.stdout.write(
    [
      'sluice config-server started',
      `  http     ${server.url}/`,
      `  kafka    ${bootstrap.join(',')}`,
      `  topic    ${config.configServer.topic}`,
      '',
    ].join('\n'),
  );
  return closeOnSignal(stopping, 'sluice config-server', context, () => server.close());
}

export const configServerCommand: Command = {
  name: 'config-server',
  summary: 'run the Spring Cloud Config-compatible server alone',
  usage,
  run,
};
