// `sluice broker`: runs the Kafka-compatible broker in the foreground until SIGINT/SIGTERM.

import { resolve } from 'node:path';
import { startBroker } from '../../broker/index.js';
import {
  type Command,
  type CommandContext,
  choiceOption,
  HELP_OPTION,
  intOption,
  parseCommandLine,
  positionalArgs,
} from '../args.js';

const usage = `Usage: sluice broker [options]

Runs a Sluice broker (Kafka protocol) in the foreground. Stops cleanly on Ctrl-C or SIGTERM.

Options:
  --data-dir DIR    where topics and metadata are stored (default: ./sluice-data)
  --port N          Kafka port; 0 picks a free one (default: 9092)
  --host HOST       interface to listen on (default: 127.0.0.1)
  --log-level LEVEL pino log level for stderr: fatal, error, warn, info, debug, trace, silent (default: info)
  --auto-create-topics true|false
                    create unknown topics on first use, as Kafka's auto.create.topics.enable (default: true)
  --default-partitions N
                    partitions of auto-created topics, as Kafka's num.partitions (default: 1)
  -h, --help        show this help

Prints "sluice broker listening on HOST:PORT (data: DIR)" on stdout once it accepts connections.`;

const OPTIONS = {
  ...HELP_OPTION,
  'data-dir': { type: 'string' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'log-level': { type: 'string' },
  'auto-create-topics': { type: 'string' },
  'default-partitions': { type: 'string' },
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  positionalArgs(positionals, [], usage);
  const logLevel = choiceOption(values['log-level'], 'log-level', LOG_LEVELS);
  const dataDir = resolve(values['data-dir'] ?? './sluice-data');
  const autoCreate = choiceOption(values['auto-create-topics'], 'auto-create-topics', ['true', 'false']);
  const broker = await startBroker({
    dataDir,
    host: values.host,
    port: intOption(values.port, 'port', { min: 0, max: 65535 }),
    logLevel,
    autoCreateTopics: autoCreate === undefined ? undefined : autoCreate === 'true',
    defaultPartitions: intOption(values['default-partitions'], 'default-partitions', {
      min: 1,
      max: 100_000,
    }),
  });
  // Listen for signals before announcing the port: whoever reads that line may signal at once.
  const stopping = new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
  context.stdout.write(`sluice broker listening on ${broker.host}:${broker.port} (data: ${dataDir})\n`);
  const signal = await stopping;
  // A second signal while closing means "stop now".
  const forceExit = () => process.exit(1);
  process.once('SIGINT', forceExit);
  process.once('SIGTERM', forceExit);
  context.stderr.write(`sluice broker: ${signal} received, closing\n`);
  await broker.close();
  return 0;
}

export const brokerCommand: Command = { name: 'broker', summary: 'run the broker', usage, run };
