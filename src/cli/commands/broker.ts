// `sluice broker`: runs the Kafka-compatible broker in the foreground until SIGINT/SIGTERM;
// with --http-port, also the HTTP server with metrics and health.

import { startBroker } from '../../broker/index.js';
import { type Command, type CommandContext, HELP_OPTION, parseCommandLine, positionalArgs } from '../args.js';
import { BROKER_FLAG_SPECS, BROKER_FLAGS_HELP, brokerOptionsFrom, httpPortFrom } from '../broker-flags.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

const usage = `Usage: sluice broker [options]

Runs a Sluice broker (Kafka protocol) in the foreground. Stops cleanly on Ctrl-C or SIGTERM.

Options:
  --port N          Kafka port; 0 picks a free one (default: 9092)
  --http-port N     also serve /metrics and /actuator/health on this port (0: a free one)
${BROKER_FLAGS_HELP}
  -h, --help        show this help

Prints "sluice broker listening on HOST:PORT (data: DIR)" on stdout once it accepts connections,
and with --http-port a second line "sluice http listening on URL".`;

const OPTIONS = { ...HELP_OPTION, ...BROKER_FLAG_SPECS, port: { type: 'string', short: 'p' } } as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const options = brokerOptionsFrom(values, values.port);
  const httpPort = httpPortFrom(values);
  if (httpPort === undefined) {
    // Nothing could scrape metrics without the HTTP server, so the broker records none.
    const broker = await startBroker({ ...options, metrics: false });
    const stopping = signalWatcher();
    context.stdout.write(
      `sluice broker listening on ${broker.host}:${broker.port} (data: ${options.dataDir})\n`,
    );
    return closeOnSignal(stopping, 'sluice broker', context, () => broker.close());
  }
  // Loaded only here: the platform brings the HTTP server and client libraries `sluice broker` alone does not need.
  const { startPlatform } = await import('../../platform/index.js');
  const platform = await startPlatform({
    broker: options,
    httpHost: options.host,
    httpPort,
    logLevel: options.logLevel,
    logs: false,
  });
  const stopping = signalWatcher();
  const { broker, http } = platform;
  context.stdout.write(
    `sluice broker listening on ${broker.host}:${broker.port} (data: ${options.dataDir})\n`,
  );
  context.stdout.write(`sluice http listening on ${http.url}\n`);
  return closeOnSignal(stopping, 'sluice broker', context, () => platform.close());
}

export const brokerCommand: Command = { name: 'broker', summary: 'run the broker', usage, run };
