// Flags shared by `sluice broker` and `sluice start` for the embedded broker.

import { resolve } from 'node:path';
import type { BrokerOptions } from '../broker/index.js';
import { choiceOption, intOption } from './args.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const BROKER_FLAG_SPECS = {
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  'log-level': { type: 'string' },
  'auto-create-topics': { type: 'string' },
  'default-partitions': { type: 'string' },
  'http-port': { type: 'string' },
} as const;

export const BROKER_FLAGS_HELP = `  --data-dir DIR    where topics and metadata are stored (default: ./sluice-data)
  --host HOST       interface to listen on (default: 127.0.0.1)
  --log-level LEVEL pino log level for stderr: fatal, error, warn, info, debug, trace, silent (default: info)
  --auto-create-topics true|false
                    create unknown topics on first use, as Kafka's auto.create.topics.enable (default: true)
  --default-partitions N
                    partitions of auto-created topics, as Kafka's num.partitions (default: 1)`;

type BrokerFlagValues = { [K in keyof typeof BROKER_FLAG_SPECS]?: string };

/** `portFlag` names the flag the port came from, so an error names what the user typed. */
export function brokerOptionsFrom(
  values: BrokerFlagValues,
  port: string | undefined,
  portFlag = 'port',
): BrokerOptions & { dataDir: string } {
  const autoCreate = choiceOption(values['auto-create-topics'], 'auto-create-topics', ['true', 'false']);
  return {
    dataDir: resolve(values['data-dir'] ?? './sluice-data'),
    host: values.host,
    port: intOption(port, portFlag, { min: 0, max: 65535 }),
    logLevel: choiceOption(values['log-level'], 'log-level', LOG_LEVELS),
    autoCreateTopics: autoCreate === undefined ? undefined : autoCreate === 'true',
    defaultPartitions: intOption(values['default-partitions'], 'default-partitions', {
      min: 1,
      max: 100_000,
    }),
  };
}

export function httpPortFrom(values: BrokerFlagValues): number | undefined {
  return intOption(values['http-port'], 'http-port', { min: 0, max: 65535 });
}
