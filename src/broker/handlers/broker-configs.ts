// Dynamic broker configs through the config APIs: altering the cluster default ("") or this
// node's resource, and describing them with Kafka's sources (DYNAMIC_BROKER_CONFIG,
// DYNAMIC_DEFAULT_BROKER_CONFIG) in front of the static value.

import type { BrokerCore } from '../broker-core.js';
import { type ConfigSet, dynamicTopicKey } from '../dynamic-configs.js';
import { type Failure, failureOf, OK } from './topic-admin.js';

/** Kafka's ConfigSource ids for dynamic broker values. */
export const DYNAMIC_SOURCE = { NODE: 2, DEFAULT: 3 } as const;

/**
 * Replaces one level's dynamic configs (`next` gets the current set and returns the new one,
 * or a failure), validates, persists and applies them to every topic without its own value.
 */
export async function alterBrokerLevel(
  broker: BrokerCore,
  name: string,
  next: (current: ConfigSet) => { configs: Record<string, string> } | { failure: Failure },
  validateOnly: boolean,
): Promise<Failure> {
  const dynamic = broker.dynamicConfigs;
  const changed = next(dynamic.level(name));
  if ('failure' in changed) return changed.failure;
  const wanted = changed.configs;
  try {
    dynamic.proposed(name, wanted);
    if (validateOnly) return OK;
    const defaults = await dynamic.replace(name, wanted);
    await broker.logs.setDefaults(defaults);
    broker.log.info(
      { broker: name === '' ? '<default>' : name, configs: wanted },
      'changed dynamic broker configs',
    );
    return OK;
  } catch (err) {
    // A BrokerConfigError answers INVALID_REQUEST (see dynamic-configs.ts).
    return failureOf(broker, err, 'alter broker configs');
  }
}

export interface DynamicSynonym {
  name: string;
  value: string;
  source: number;
}

/** The dynamic values of broker key `key`: this node's first, then the cluster default's. */
export function dynamicValuesOf(broker: BrokerCore, key: string): DynamicSynonym[] {
  const out: DynamicSynonym[] = [];
  const node = broker.dynamicConfigs.level(String(broker.nodeId));
  const cluster = broker.dynamicConfigs.level('');
  if (Object.hasOwn(node, key)) out.push({ name: key, value: node[key], source: DYNAMIC_SOURCE.NODE });
  if (Object.hasOwn(cluster, key))
    out.push({ name: key, value: cluster[key], source: DYNAMIC_SOURCE.DEFAULT });
  return out;
}

/** The dynamic broker values behind a topic config, every broker key that sets it (Kafka's synonyms). */
export function dynamicSynonymsOfTopicKey(broker: BrokerCore, topicKey: string): DynamicSynonym[] {
  const node = broker.dynamicConfigs.level(String(broker.nodeId));
  const cluster = broker.dynamicConfigs.level('');
  const keys = (set: ConfigSet) => Object.keys(set).filter((k) => dynamicTopicKey(k) === topicKey);
  return [
    ...keys(node).map((k) => ({ name: k, value: node[k], source: DYNAMIC_SOURCE.NODE })),
    ...keys(cluster).map((k) => ({ name: k, value: cluster[k], source: DYNAMIC_SOURCE.DEFAULT })),
  ];
}
