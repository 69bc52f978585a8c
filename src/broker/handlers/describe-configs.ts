import { DescribeConfigs, ErrorCode, type RequestOf } from '../../protocol/index.js';
import { validateTopicName } from '../../storage/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import {
  brokerIdProblem,
  ConfigSource,
  type DescribedConfig,
  describeBroker,
  describeBrokerDefault,
  describeTopic,
  ResourceType,
} from './config-resources.js';
import { type Failure, fail, failureOf, OK } from './topic-admin.js';

type Resource = RequestOf<typeof DescribeConfigs>['resources'][number];

export const describeConfigs = defineHandler(DescribeConfigs, (ctx, request) => {
  const { broker } = ctx;
  const results = request.resources.map((resource) => {
    const found = configsOf(broker, resource);
    const wantedKeys = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
    const configs =
      'failure' in found ? [] : found.configs.filter((c) => !wantedKeys || wantedKeys.has(c.name));
    return {
      ...('failure' in found ? found.failure : OK),
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      configs: configs.map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: c.readOnly,
        isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
        configSource: c.source,
        isSensitive: false,
        synonyms: request.includeSynonyms ? c.synonyms : [],
        configType: c.configType,
        documentation: null,
      })),
    };
  });
  return { throttleTimeMs: 0, results };
});

/** What one resource holds, following Kafka's ConfigHelper.describeConfigs. */
function configsOf(
  broker: BrokerCore,
  resource: Resource,
): { configs: DescribedConfig[] } | { failure: Failure } {
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ResourceType.TOPIC: {
      try {
        validateTopicName(name);
      } catch (err) {
        return { failure: failureOf(broker, err, 'topic name check') };
      }
      const topic = broker.logs.topic(name);
      if (!topic) {
        return { failure: fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`) };
      }
      return { configs: describeTopic(broker, topic.configs) };
    }
    case ResourceType.BROKER: {
      const problem = brokerIdProblem(broker, name, true);
      if (problem) return { failure: problem };
      // The default resource ("") lists the cluster-wide dynamic defaults set on it.
      return { configs: name === '' ? describeBrokerDefault(broker) : describeBroker(broker) };
    }
    case ResourceType.BROKER_LOGGER: {
      const problem = brokerIdProblem(broker, name, false);
      return problem ? { failure: problem } : { configs: [] };
    }
    default:
      return {
        failure: fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resource.resourceType}`),
      };
  }
}
