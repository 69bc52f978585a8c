// `sluice broker`: runs the Kafka-compatible broker in the foreground until SIGINT/SIGTERM;
// with an HTTP port (--http-port, http.port in the config file or SLUICE_HTTP_PORT), also the
// HTTP server with metrics and health.

import { resolve } from 'node:path';
import { pino } from 'pino';
import { brokerOptionsFromSection, startBroker } from '../../broker/index.js';
import { logDestination } from '../../platform/log-format.js';
import { type Command, type CommandContext, HELP_OPTION, parseCommandLine, positionalArgs } from '../args.js';
import { BROKER_FLAG_SPECS, BROKER_FLAGS_HELP, PRECEDENCE_HELP } from '../broker-flags.js';
import { commandConfig, printResolvedConfig } from '../command-config.js';
import { LOG_FORMAT_FLAG_SPEC, LOG_FORMAT_HELP, logFormatOption } from '../log-format-flag.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

const usage = `Usage: sluice broker [options]

Runs a Sluice broker (Kafka protocol) in the foreground. Stops cleanly on Ctrl-C or SIGTERM.

Options:
  -p, --port N      Kafka port, broker.port; 0 picks a free one (default: 9092)
  --http-port N     also serve /metrics and /actuator/health on this port, http.port (0: a free one)
${LOG_FORMAT_HELP}
${BROKER_FLAGS_HELP}
  -h, --help        show this help

Prints "sluice broker listening on HOST:PORT (data: DIR)" on stdout once it accepts connections,
and with an HTTP port a second line "sluice http listening on URL".

${PRECEDENCE_HELP}`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BROKER_FLAG_SPECS,
  ...LOG_FORMAT_FLAG_SPEC,
  port: { type: 'string', short: 'p' },
} as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const logFormat = logFormatOption(values['log-format'], context.stderr);
  const resolved = await commandConfig(values, values.port, 'port', context);
  if (values['check-config']) return printResolvedConfig(resolved, context);
  const { config } = resolved;
  const dataDir = resolve(config.broker.dataDir);
  const options = { ...brokerOptionsFromSection(config.broker), dataDir };
  if (!resolved.isSet('http.port')) {
    // Nothing could scrape metrics without the HTTP server, so the broker records none.
    // Tagged as under `sluice start`, so both commands' lines read alike.
    const log = pino({ name: 'sluice', level: config.broker.logLevel }, logDestination(logFormat));
    const broker = await startBroker({ ...options, metrics: false }, log.child({ component: 'broker' }));
    const stopping = signalWatcher();
    context.stdout.write(`sluice broker listening on ${broker.host}:${broker.port} (data: ${dataDir})\n`);
    return closeOnSignal(stopping, 'sluice broker', context, () => broker.close());
  }
  // Loaded only here: the platform brings the HTTP server and client libraries `sluice broker` alone does not need.
  const { startPlatform } = await import('../../platform/index.js');
  const platform = await startPlatform({
    broker: options,
    httpHost: config.http.host,
    httpPort: config.http.port,
    logLevel: config.broker.logLevel,
    logFormat,
    logs: false,
    config: { alerts: config.alerts },
    platformHeapMb: config.platform.heapMb,
    platformPriority: config.platform.priority,
    platformMaxCpu: config.platform.maxCpu,
  });
  const stopping = signalWatcher();
  const { broker, http } = platform;
  context.stdout.write(`sluice broker listening on ${broker.host}:${broker.port} (data: ${dataDir})\n`);
  context.stdout.write(`sluice http listening on ${http.url}\n`);
  return closeOnSignal(stopping, 'sluice broker', context, () => platform.close());
}

export const brokerCommand: Command = { name: 'broker', summary: 'run the broker', usage, run };
