// `sluice start`: the whole platform in one process (broker, HTTP server with metrics, health
// and the components that attach to it) until SIGINT/SIGTERM.

import {
  ConfigFileError,
  loadConfigFile,
  type SluiceConfigFile,
  startPlatform,
} from '../../platform/index.js';
import { type Command, type CommandContext, HELP_OPTION, parseCommandLine, positionalArgs } from '../args.js';
import { BROKER_FLAG_SPECS, BROKER_FLAGS_HELP, brokerOptionsFrom, httpPortFrom } from '../broker-flags.js';
import { CliError } from '../errors.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

const usage = `Usage: sluice start [options]

Runs Sluice: the Kafka-compatible broker and the platform HTTP server (metrics, health, ...)
in one process. Stops cleanly on Ctrl-C or SIGTERM.

Options:
  --kafka-port N    Kafka port; 0 picks a free one (default: 9092)
  --http-port N     platform HTTP port; 0 picks a free one (default: 8080)
  --config FILE     Sluice's config file (YAML): alert rules and webhooks, log settings
${BROKER_FLAGS_HELP}
  -h, --help        show this help

Prints the addresses it listens on once everything accepts connections.`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BROKER_FLAG_SPECS,
  'kafka-port': { type: 'string' },
  config: { type: 'string', short: 'c' },
} as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const broker = brokerOptionsFrom(values, values['kafka-port'], 'kafka-port');
  const config = values.config ? await readConfig(values.config) : undefined;
  const platform = await startPlatform({
    broker,
    httpHost: broker.host,
    httpPort: httpPortFrom(values) ?? 8080,
    logLevel: broker.logLevel,
    config,
  }).catch((err: unknown) => {
    throw err instanceof ConfigFileError ? new CliError(err.message) : err;
  });
  const stopping = signalWatcher();
  const { http } = platform;
  context.stdout.write(
    [
      'sluice started',
      `  kafka    ${platform.broker.bootstrap}`,
      `  http     ${http.url}/`,
      `  metrics  ${http.url}/metrics`,
      `  health   ${http.url}/actuator/health`,
      `  data     ${broker.dataDir}`,
      '',
    ].join('\n'),
  );
  return closeOnSignal(stopping, 'sluice start', context, () => platform.close());
}

export const startCommand: Command = { name: 'start', summary: 'run the whole platform', usage, run };

async function readConfig(path: string): Promise<SluiceConfigFile> {
  try {
    return await loadConfigFile(path);
  } catch (err) {
    if (err instanceof ConfigFileError) throw new CliError(err.message);
    throw err;
  }
}
