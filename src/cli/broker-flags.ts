// Flags shared by `sluice broker` and `sluice start`. Each sets a key of the configuration, so a
// flag, a SLUICE_* variable and the config file are one setting, validated by one schema.

import type { FlagSetting } from '../config/index.js';

export const BROKER_FLAG_SPECS = {
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  'log-level': { type: 'string' },
  'auto-create-topics': { type: 'string' },
  'default-partitions': { type: 'string' },
  'http-port': { type: 'string' },
  config: { type: 'string', short: 'c' },
  'check-config': { type: 'boolean' },
} as const;

export const BROKER_FLAGS_HELP = `  -c, --config FILE Sluice's config file (YAML; default: $SLUICE_CONFIG); see README's Configuration
  --check-config    validate the configuration, print it resolved and exit (1 if invalid)
  --data-dir DIR    where topics and metadata are stored: broker.dataDir (default: ./sluice-data)
  --host HOST       interface to listen on: broker.host and http.host (default: 127.0.0.1)
  --log-level LEVEL broker.logLevel: fatal, error, warn, info, debug, trace, silent (default: info)
  --auto-create-topics true|false
                    broker.autoCreateTopics, Kafka's auto.create.topics.enable (default: true)
  --default-partitions N
                    broker.defaultPartitions, Kafka's num.partitions (default: 1)`;

export const PRECEDENCE_HELP = `Settings come from, lowest first: defaults, the config file, SLUICE_* environment variables
(broker.dataDir is SLUICE_BROKER_DATA_DIR), then these flags.`;

/** The keys each flag sets. */
const FLAG_KEYS: Record<string, readonly string[]> = {
  'data-dir': ['broker.dataDir'],
  host: ['broker.host', 'http.host'],
  'log-level': ['broker.logLevel'],
  'auto-create-topics': ['broker.autoCreateTopics'],
  'default-partitions': ['broker.defaultPartitions'],
  'http-port': ['http.port'],
};

type BrokerFlagValues = { [K in keyof typeof BROKER_FLAG_SPECS]?: string | boolean };

/** The settings the given flags make; `portFlag` names the flag the Kafka port came from. */
export function flagSettings(
  values: BrokerFlagValues,
  port: string | undefined,
  portFlag: string,
): FlagSetting[] {
  const settings: FlagSetting[] = [];
  for (const [flag, keys] of Object.entries(FLAG_KEYS)) {
    const value = values[flag as keyof BrokerFlagValues];
    if (typeof value !== 'string') continue;
    for (const key of keys) settings.push({ key, value, flag: `--${flag}` });
  }
  if (port !== undefined) settings.push({ key: 'broker.port', value: port, flag: `--${portFlag}` });
  return settings;
}
