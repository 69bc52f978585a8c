import { AlterConfigs, type RequestOf } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { alterBrokerLevel } from './broker-configs.js';
import {
  alterableTopic,
  alterEachResource,
  alterRequestProblem,
  brokerIdProblem,
  checkTopicConfigs,
  ResourceType,
  storeTopicConfigs,
} from './config-resources.js';
import type { Failure } from './topic-admin.js';

type Resource = RequestOf<typeof AlterConfigs>['resources'][number];

/**
 * The legacy AlterConfigs: each resource's configs replace its whole override set, so a config
 * left out reverts to its default. A refused resource is left exactly as it was.
 */
export const alterConfigs = defineHandler(AlterConfigs, async (ctx, request) => {
  return alterEachResource(request.resources, (resource) =>
    alterOne(ctx.broker, resource, request.validateOnly),
  );
});

async function alterOne(broker: BrokerCore, resource: Resource, validateOnly: boolean): Promise<Failure> {
  const problem = alterRequestProblem(resource.configs, () => false);
  if (problem) return problem;
  if (resource.resourceType === ResourceType.BROKER) {
    const badId = brokerIdProblem(broker, resource.resourceName, true);
    if (badId) return badId;
    const configs: Record<string, string> = {};
    for (const { name, value } of resource.configs) if (value !== null) configs[name] = value;
    return alterBrokerLevel(broker, resource.resourceName, () => ({ configs }), validateOnly);
  }
  const target = alterableTopic(broker, resource.resourceType, resource.resourceName);
  if ('failure' in target) return target.failure;
  const configs: Record<string, string> = {};
  for (const { name, value } of resource.configs) if (value !== null) configs[name] = value;
  const checked = checkTopicConfigs(broker, configs);
  if ('failure' in checked) return checked.failure;
  return storeTopicConfigs(broker, target.topic.name, checked.overrides, validateOnly);
}
