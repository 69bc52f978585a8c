import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { SluiceError, type SluiceErrorOptions } from '../errors/index.js';
import { type LogConfig, logConfigFor, validateLogConfig } from '../storage/index.js';

/** Where the dynamic broker configs live, so they survive a restart (Kafka keeps them in its metadata log). */
export const DYNAMIC_CONFIGS_FILE = 'broker-configs.json';

/**
 * The broker configs Kafka lets `kafka-configs.sh --entity-type brokers` change at run time that
 * Sluice applies: each sets the default of a topic config (Kafka's ServerTopicConfigSynonyms).
 * `scale` turns the broker unit into the topic config's (hours and minutes into ms). Where a
 * topic config has several, the first one set wins, as in Kafka (ms before minutes before hours).
 */
const DYNAMIC: Record<string, { topicKey: string; scale: number; rank: number }> = {
  'log.retention.ms': { topicKey: 'retention.ms', scale: 1, rank: 0 },
  'log.retention.minutes': { topicKey: 'retention.ms', scale: 60_000, rank: 1 },
  'log.retention.hours': { topicKey: 'retention.ms', scale: 3_600_000, rank: 2 },
  'log.retention.bytes': { topicKey: 'retention.bytes', scale: 1, rank: 0 },
  'log.segment.bytes': { topicKey: 'segment.bytes', scale: 1, rank: 0 },
  'log.roll.ms': { topicKey: 'segment.ms', scale: 1, rank: 0 },
  'log.roll.hours': { topicKey: 'segment.ms', scale: 3_600_000, rank: 1 },
  'log.index.interval.bytes': { topicKey: 'index.interval.bytes', scale: 1, rank: 0 },
  'log.index.size.max.bytes': { topicKey: 'segment.index.bytes', scale: 1, rank: 0 },
  'message.max.bytes': { topicKey: 'max.message.bytes', scale: 1, rank: 0 },
  'log.flush.interval.ms': { topicKey: 'flush.ms', scale: 1, rank: 0 },
  'log.cleanup.policy': { topicKey: 'cleanup.policy', scale: 1, rank: 0 },
  'log.message.timestamp.after.max.ms': { topicKey: 'message.timestamp.after.max.ms', scale: 1, rank: 0 },
};

export type ConfigSet = Readonly<Record<string, string>>;

/**
 * Kafka's answer to a config that cannot change (the whole resource is refused): both a
 * non-dynamic key and a bad value are INVALID_REQUEST in Kafka (KAFKA-13609).
 */
export class BrokerConfigError extends SluiceError {
  constructor(message: string, options?: SluiceErrorOptions) {
    super('INVALID_CONFIG', message, { kafkaError: 'INVALID_REQUEST', ...options });
  }
}

export function isDynamicBrokerConfig(key: string): boolean {
  return Object.hasOwn(DYNAMIC, key);
}

/** The broker key and unit scale behind a dynamic key, for describing it. */
export function dynamicTopicKey(key: string): string | undefined {
  return Object.hasOwn(DYNAMIC, key) ? DYNAMIC[key].topicKey : undefined;
}

/** Values of one level turned into topic-config defaults (hours → ms etc.); throws on a bad value. */
function asTopicDefaults(merged: ConfigSet): Record<string, string> {
  const chosen = new Map<string, { rank: number; value: string }>();
  for (const [key, raw] of Object.entries(merged)) {
    const def = DYNAMIC[key];
    const value = raw.trim();
    let converted = value;
    if (def.scale !== 1) {
      if (!/^-?\d{1,15}$/.test(value))
        throw new BrokerConfigError(
          `Invalid value ${raw} for configuration ${key}: Not a number of type LONG`,
        );
      const n = Number(value);
      converted = String(n < 0 ? -1 : n * def.scale);
    }
    const seen = chosen.get(def.topicKey);
    if (!seen || def.rank < seen.rank) chosen.set(def.topicKey, { rank: def.rank, value: converted });
  }
  return Object.fromEntries([...chosen].map(([k, v]) => [k, v.value]));
}

/**
 * Dynamic broker configs at two levels: the cluster default (resource name "") and this node
 * (its id); the node's win. The effective topic defaults are the static ones (start-up options)
 * overlaid with both.
 */
export class DynamicBrokerConfigs {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string | undefined,
    readonly staticDefaults: Readonly<LogConfig>,
    private levels: { default: ConfigSet; node: ConfigSet } = { default: {}, node: {} },
  ) {}

  /** Reads what was set before a restart; entries no longer valid are dropped with a warning. */
  static async load(
    dataDir: string,
    staticDefaults: LogConfig,
    warn: (message: string) => void,
  ): Promise<DynamicBrokerConfigs> {
    const configs = new DynamicBrokerConfigs(dataDir, staticDefaults);
    let text: string;
    try {
      text = await fs.readFile(join(dataDir, DYNAMIC_CONFIGS_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return configs;
      throw err;
    }
    const stored = JSON.parse(text) as { default?: Record<string, string>; node?: Record<string, string> };
    for (const level of ['default', 'node'] as const) {
      for (const [key, value] of Object.entries(stored[level] ?? {})) {
        const next = { ...configs.levels, [level]: { ...configs.levels[level], [key]: String(value) } };
        try {
          configs.check(next);
          configs.levels = next;
        } catch (err) {
          warn(`ignoring stored dynamic broker config ${key}=${value}: ${(err as Error).message}`);
        }
      }
    }
    return configs;
  }

  /** The configs set at one level: "" is the cluster default, anything else this node. */
  level(name: string): ConfigSet {
    return name === '' ? this.levels.default : this.levels.node;
  }

  /** The topic defaults in force: static, then the cluster default, then this node. */
  effectiveDefaults(): LogConfig {
    return this.compute(this.levels);
  }

  /**
   * Checks a level's new set as Kafka does (non-dynamic keys first, then values) and returns
   * the topic defaults it would give. Throws BrokerConfigError with Kafka's wording.
   */
  proposed(name: string, configs: ConfigSet): LogConfig {
    return this.check({ ...this.levels, [name === '' ? 'default' : 'node']: configs });
  }

  /** Stores a level's new set durably (writes are serialised), then returns the new defaults. */
  async replace(name: string, configs: ConfigSet): Promise<LogConfig> {
    const next = { ...this.levels, [name === '' ? 'default' : 'node']: { ...configs } };
    const defaults = this.check(next);
    const write = this.writes.then(() => this.persist(next));
    this.writes = write.catch(() => {});
    await write;
    this.levels = next;
    return defaults;
  }

  private check(levels: { default: ConfigSet; node: ConfigSet }): LogConfig {
    const fixed = [...Object.keys(levels.default), ...Object.keys(levels.node)].filter(
      (k) => !isDynamicBrokerConfig(k),
    );
    if (fixed.length > 0)
      throw new BrokerConfigError(
        `Cannot update these configs dynamically: Set(${[...new Set(fixed)].join(', ')})`,
      );
    return this.compute(levels);
  }

  private compute(levels: { default: ConfigSet; node: ConfigSet }): LogConfig {
    const overrides = asTopicDefaults({ ...levels.default, ...levels.node });
    try {
      const config = logConfigFor(overrides, { ...this.staticDefaults });
      validateLogConfig(config);
      return config;
    } catch (err) {
      // Name the broker key, not the topic key the storage layer checked.
      const brokerKeys = Object.keys(DYNAMIC).filter((k) =>
        (err as Error).message.includes(` ${DYNAMIC[k].topicKey}:`),
      );
      const key = brokerKeys.find((k) => k in levels.node || k in levels.default) ?? brokerKeys[0];
      throw new BrokerConfigError(
        key ? `Invalid value for configuration ${key}: ${(err as Error).message}` : (err as Error).message,
      );
    }
  }

  private async persist(levels: { default: ConfigSet; node: ConfigSet }): Promise<void> {
    if (!this.dataDir) return;
    const path = join(this.dataDir, DYNAMIC_CONFIGS_FILE);
    const tmp = `${path}.tmp`;
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(levels, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
    const dir = await fs.open(this.dataDir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
