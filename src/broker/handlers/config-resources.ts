// Config resources as the config APIs see them: resource types, where a value comes from
// (ConfigSource), its type (ConfigType), and the described configs of topics and of the broker.

import { ErrorCode } from '../../protocol/index.js';
import {
  DEFAULT_LOG_CONFIG,
  describeTopicConfigs,
  type LogConfig,
  logConfigFor,
  type TopicConfigType,
  type TopicInfo,
  validateLogConfig,
  validateTopicConfigs,
} from '../../storage/index.js';
import type { BrokerCore } from '../broker-core.js';
import { isDynamicBrokerConfig } from '../dynamic-configs.js';
import { DYNAMIC_SOURCE, dynamicSynonymsOfTopicKey, dynamicValuesOf } from './broker-configs.js';
import { type Failure, fail, failureOf, OK, repeated } from './topic-admin.js';

/** Kafka's ConfigResource.Type ids. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** Kafka's ConfigDef.Type ids, as DescribeConfigs v3+ reports them. */
const CONFIG_TYPE: Record<TopicConfigType | 'short', number> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
};

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  /** Kafka ConfigType id. */
  configType: number;
  /** The config itself first, then what it falls back to (Kafka's synonyms order). */
  synonyms: ConfigSynonym[];
}

/** The broker setting a topic config falls back to (Kafka's ServerTopicConfigSynonyms). */
const BROKER_SYNONYM: Record<string, string> = {
  'segment.bytes': 'log.segment.bytes',
  'segment.ms': 'log.roll.ms',
  'segment.jitter.ms': 'log.roll.jitter.ms',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'retention.bytes': 'log.retention.bytes',
  'retention.ms': 'log.retention.ms',
  'max.message.bytes': 'message.max.bytes',
  'index.interval.bytes': 'log.index.interval.bytes',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms',
  'max.compaction.lag.ms': 'log.cleaner.max.compaction.lag.ms',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio',
  'cleanup.policy': 'log.cleanup.policy',
  preallocate: 'log.preallocate',
  'message.timestamp.type': 'log.message.timestamp.type',
  'message.timestamp.difference.max.ms': 'log.message.timestamp.difference.max.ms',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms',
  'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'message.downconversion.enable': 'log.message.downconversion.enable',
  'local.retention.ms': 'log.local.retention.ms',
  'local.retention.bytes': 'log.local.retention.bytes',
};

/**
 * Every topic config with its effective value. A value is TOPIC_CONFIG when the topic overrides
 * it, DYNAMIC_(DEFAULT_)BROKER_CONFIG when a dynamic broker config sets its default,
 * STATIC_BROKER_CONFIG when the broker was started with a default other than Kafka's, else
 * DEFAULT_CONFIG.
 */
export function describeTopic(
  broker: BrokerCore,
  overrides: Readonly<Record<string, string>>,
): DescribedConfig[] {
  const defaults = broker.logs.defaultConfig;
  const brokerLevel = valuesOf(describeTopicConfigs({}, broker.dynamicConfigs.staticDefaults));
  const builtIn = valuesOf(describeTopicConfigs({}, DEFAULT_LOG_CONFIG));
  return describeTopicConfigs(overrides, defaults).map((entry) => {
    const brokerName = BROKER_SYNONYM[entry.name] ?? entry.name;
    const synonyms: ConfigSynonym[] = [];
    if (!entry.isDefault)
      synonyms.push({ name: entry.name, value: entry.value, source: ConfigSource.TOPIC_CONFIG });
    synonyms.push(...dynamicSynonymsOfTopicKey(broker, entry.name));
    const configured = brokerLevel.get(entry.name) ?? null;
    const kafkaDefault = builtIn.get(entry.name) ?? null;
    if (configured !== kafkaDefault)
      synonyms.push({ name: brokerName, value: configured, source: ConfigSource.STATIC_BROKER_CONFIG });
    synonyms.push({ name: brokerName, value: kafkaDefault, source: ConfigSource.DEFAULT_CONFIG });
    return {
      name: entry.name,
      value: entry.value,
      readOnly: false,
      source: synonyms[0].source,
      configType: CONFIG_TYPE[entry.type],
      synonyms,
    };
  });
}

function valuesOf(entries: readonly { name: string; value: string }[]): Map<string, string> {
  return new Map(entries.map((e) => [e.name, e.value]));
}

/**
 * The broker's own settings: static ones read-only with STATIC_BROKER_CONFIG; the dynamic ones
 * (dynamic-configs.ts) writable, with their dynamic source in front of the static value.
 */
export function describeBroker(broker: BrokerCore): DescribedConfig[] {
  const effective = valuesOf(
    staticEntries(broker, broker.logs.defaultConfig).map(([name, value]) => ({ name, value: value ?? '' })),
  );
  const described = staticEntries(broker, broker.dynamicConfigs.staticDefaults).map(([name, value, type]) => {
    const dynamic = dynamicValuesOf(broker, name);
    const own = { name, value, source: ConfigSource.STATIC_BROKER_CONFIG };
    return {
      name,
      value: dynamic.length > 0 || isDynamicBrokerConfig(name) ? (effective.get(name) ?? value) : value,
      readOnly: !isDynamicBrokerConfig(name),
      source: dynamic[0]?.source ?? ConfigSource.STATIC_BROKER_CONFIG,
      configType: CONFIG_TYPE[type],
      synonyms: [...dynamic, own],
    };
  });
  // Dynamic keys not in the static list (log.retention.hours etc.) show when set.
  const listed = new Set(described.map((c) => c.name));
  const node = broker.dynamicConfigs.level(String(broker.nodeId));
  const cluster = broker.dynamicConfigs.level('');
  for (const name of new Set([...Object.keys(node), ...Object.keys(cluster)])) {
    if (listed.has(name)) continue;
    const dynamic = dynamicValuesOf(broker, name);
    described.push({
      name,
      value: dynamic[0].value,
      readOnly: false,
      source: dynamic[0].source,
      configType: CONFIG_TYPE[name === 'log.cleanup.policy' ? 'list' : 'long'],
      synonyms: dynamic,
    });
  }
  return described;
}

/** The cluster-wide default resource (""): only what was set on it, as Kafka lists it. */
export function describeBrokerDefault(broker: BrokerCore): DescribedConfig[] {
  return Object.entries(broker.dynamicConfigs.level('')).map(([name, value]) => ({
    name,
    value,
    readOnly: false,
    source: DYNAMIC_SOURCE.DEFAULT,
    configType: CONFIG_TYPE[name === 'log.cleanup.policy' ? 'list' : 'long'],
    synonyms: [{ name, value, source: DYNAMIC_SOURCE.DEFAULT }],
  }));
}

function staticEntries(
  broker: BrokerCore,
  d: Readonly<LogConfig>,
): [string, string | null, TopicConfigType | 'short'][] {
  const { options, advertised, nodeId } = broker;
  const port = options.port === 0 ? advertised.port : options.port;
  const entries: [string, string | null, TopicConfigType | 'short'][] = [
    ['node.id', String(nodeId), 'int'],
    ['broker.id', String(nodeId), 'int'],
    ['process.roles', 'broker,controller', 'list'],
    ['listeners', `PLAINTEXT://${options.host}:${port}`, 'list'],
    ['advertised.listeners', `PLAINTEXT://${advertised.host}:${advertised.port}`, 'list'],
    ['log.dirs', options.dataDir, 'string'],
    ['num.partitions', String(options.defaultPartitions), 'int'],
    ['auto.create.topics.enable', String(options.autoCreateTopics), 'boolean'],
    ['delete.topic.enable', 'true', 'boolean'],
    ['default.replication.factor', '1', 'int'],
    ['offsets.topic.replication.factor', '1', 'short'],
    ['transaction.state.log.replication.factor', '1', 'short'],
    ['min.insync.replicas', '1', 'int'],
    ['log.retention.ms', String(d.retentionMs), 'long'],
    ['log.retention.bytes', String(d.retentionBytes), 'long'],
    ['log.retention.check.interval.ms', String(options.retentionCheckIntervalMs), 'long'],
    ['log.segment.bytes', String(d.segmentBytes), 'int'],
    ['log.roll.ms', String(d.segmentMs), 'long'],
    ['log.index.interval.bytes', String(d.indexIntervalBytes), 'int'],
    ['log.index.size.max.bytes', String(d.segmentIndexBytes ?? 10 * 1024 * 1024), 'int'],
    ['log.flush.interval.ms', d.flushIntervalMs === undefined ? null : String(d.flushIntervalMs), 'long'],
    ['log.cleanup.policy', d.cleanupPolicy ?? 'delete', 'list'],
    ['message.max.bytes', String(d.maxMessageBytes ?? 1024 * 1024 + 12), 'int'],
    ['socket.request.max.bytes', String(options.maxRequestBytes), 'int'],
  ];
  return entries;
}

/**
 * Validates a topic's whole override set as the log manager would (unknown keys, bad values)
 * and returns it normalized, or INVALID_CONFIG with the reason.
 */
export function checkTopicConfigs(
  broker: BrokerCore,
  configs: Readonly<Record<string, string>>,
): { overrides: Record<string, string> } | { failure: Failure } {
  try {
    const overrides = validateTopicConfigs(configs);
    validateLogConfig(logConfigFor(overrides, broker.logs.defaultConfig));
    return { overrides };
  } catch (err) {
    return { failure: failureOf(broker, err, 'config validation') };
  }
}

/** Kafka's answer when a broker resource names another node (or no number at all). */
export function brokerIdProblem(broker: BrokerCore, name: string, allowEmpty: boolean): Failure | null {
  if (name === '') {
    return allowEmpty ? null : fail(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
  }
  if (!/^-?\d+$/.test(name))
    return fail(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  if (Number(name) !== broker.nodeId) {
    const expected = allowEmpty ? `${broker.nodeId} or empty string` : `${broker.nodeId}`;
    return fail(
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${expected}, but received ${name}`,
    );
  }
  return null;
}

/**
 * The topic an AlterConfigs / IncrementalAlterConfigs resource names, or why it cannot be
 * altered. Broker resources never get here: broker-configs.ts alters them.
 */
export function alterableTopic(
  broker: BrokerCore,
  resourceType: number,
  resourceName: string,
): { topic: TopicInfo } | { failure: Failure } {
  switch (resourceType) {
    case ResourceType.TOPIC: {
      if (resourceName === '') {
        return { failure: fail(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.') };
      }
      const topic = broker.logs.topic(resourceName);
      if (topic) return { topic };
      return {
        failure: fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resourceName}' does not exist.`),
      };
    }
    case ResourceType.BROKER_LOGGER:
      return {
        failure: fail(ErrorCode.INVALID_REQUEST, 'broker log levels are static; set logLevel at start-up'),
      };
    default:
      return { failure: fail(ErrorCode.INVALID_REQUEST, `Unknown resource type ${resourceType}`) };
  }
}

/** The checks Kafka makes before altering any resource (ConfigAdminManager.preprocess). */
export function alterRequestProblem(
  configs: readonly { name: string; value: string | null }[],
  nullAllowed: (index: number) => boolean,
): Failure | null {
  const names = configs.map((c) => c.name);
  if (new Set(names).size !== names.length)
    return fail(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
  const nulls = configs.filter((c, i) => c.value === null && !nullAllowed(i)).map((c) => c.name);
  if (nulls.length > 0)
    return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
  return null;
}

/** Resources named twice in one alter request are each refused (Kafka's rule). */
export function resourceKey(resource: { resourceType: number; resourceName: string }): string {
  return `${resource.resourceType}:${resource.resourceName}`;
}

export const DUPLICATE_RESOURCE = fail(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');

interface AlterableResource {
  resourceType: number;
  resourceName: string;
}

/** Answers each resource of an alter request; a resource named twice is refused, as Kafka does. */
export async function alterEachResource<R extends AlterableResource>(
  resources: readonly R[],
  alterOne: (resource: R) => Promise<Failure>,
) {
  const duplicates = repeated(resources.map(resourceKey));
  const responses = [];
  for (const resource of resources) {
    const outcome = duplicates.has(resourceKey(resource)) ? DUPLICATE_RESOURCE : await alterOne(resource);
    responses.push({ ...outcome, resourceType: resource.resourceType, resourceName: resource.resourceName });
  }
  return { throttleTimeMs: 0, responses };
}

/** Stores a topic's new override set, unless the request only validates. */
export async function storeTopicConfigs(
  broker: BrokerCore,
  topic: string,
  overrides: Record<string, string>,
  validateOnly: boolean,
): Promise<Failure> {
  if (validateOnly) return OK;
  try {
    await broker.logs.setTopicConfigs(topic, overrides);
    broker.log.info({ topic, configs: overrides }, 'changed topic configs');
    return OK;
  } catch (err) {
    return failureOf(broker, err, 'alter configs');
  }
}
