// `sluice start`: the whole platform in one process (broker, HTTP server with metrics, health
// and the components that attach to it) until SIGINT/SIGTERM.

import { resolve } from 'node:path';
import { brokerOptionsFromSection } from '../../broker/index.js';
import { startPlatform } from '../../platform/index.js';
import { type Command, type CommandContext, HELP_OPTION, parseCommandLine, positionalArgs } from '../args.js';
import { BROKER_FLAG_SPECS, BROKER_FLAGS_HELP, PRECEDENCE_HELP } from '../broker-flags.js';
import { commandConfig, printResolvedConfig } from '../command-config.js';
import { LOG_FORMAT_FLAG_SPEC, LOG_FORMAT_HELP, logFormatOption } from '../log-format-flag.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

const usage = `Usage: sluice start [options]

Runs Sluice: the Kafka-compatible broker and the platform HTTP server (metrics, health, ...)
in one process. Stops cleanly on Ctrl-C or SIGTERM.

Options:
  --kafka-port N    Kafka port, broker.port; 0 picks a free one (default: 9092)
  --http-port N     platform HTTP port, http.port; 0 picks a free one (default: 8080)
${LOG_FORMAT_HELP}
${BROKER_FLAGS_HELP}
  -h, --help        show this help

Prints the addresses it listens on once everything accepts connections.

${PRECEDENCE_HELP}`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BROKER_FLAG_SPECS,
  ...LOG_FORMAT_FLAG_SPEC,
  'kafka-port': { type: 'string' },
} as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const logFormat = logFormatOption(values['log-format'], context.stderr);
  const resolved = await commandConfig(values, values['kafka-port'], 'kafka-port', context);
  if (values['check-config']) return printResolvedConfig(resolved, context);
  const { config } = resolved;
  const dataDir = resolve(config.broker.dataDir);
  const platform = await startPlatform({
    broker: { ...brokerOptionsFromSection(config.broker), dataDir },
    httpHost: config.http.host,
    httpPort: config.http.port,
    logLevel: config.broker.logLevel,
    logFormat,
    config: {
      alerts: config.alerts,
      logs: config.logs,
      schemas: config.schemas,
      pipelines: config.pipelines,
      configServer: config.configServer,
      registry: config.registry,
      gateway: config.gateway,
    },
    platformHeapMb: config.platform.heapMb,
    platformPriority: config.platform.priority,
    platformMaxCpu: config.platform.maxCpu,
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
      `  data     ${dataDir}`,
      '',
    ].join('\n'),
  );
  return closeOnSignal(stopping, 'sluice start', context, () => platform.close());
}

export const startCommand: Command = { name: 'start', summary: 'run the whole platform', usage, run };
