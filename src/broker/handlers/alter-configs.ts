import { AlterConfigs, type RequestOf } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import {
  alterableTopic,
  alterRequestProblem,
  checkTopicConfigs,
  DUPLICATE_RESOURCE,
  resourceKey,
} from './config-resources.js';
import { type Failure, failureOf, OK, repeated } from './topic-admin.js';

type Resource = RequestOf<typeof AlterConfigs>['resources'][number];

/**
 * The legacy AlterConfigs: each resource's configs replace its whole override set, so a config
 * left out reverts to its default. A refused resource is left exactly as it was.
 */
export const alterConfigs = defineHandler(AlterConfigs, async (ctx, request) => {
  const { broker } = ctx;
  const duplicates = repeated(request.resources.map(resourceKey));
  const responses = [];
  for (const resource of request.resources) {
    const outcome = duplicates.has(resourceKey(resource))
      ? DUPLICATE_RESOURCE
      : await alterOne(broker, resource, request.validateOnly);
    responses.push({ ...outcome, resourceType: resource.resourceType, resourceName: resource.resourceName });
  }
  return { throttleTimeMs: 0, responses };
});

async function alterOne(broker: BrokerCore, resource: Resource, validateOnly: boolean): Promise<Failure> {
  const problem = alterRequestProblem(resource.configs, () => false);
  if (problem) return problem;
  const target = alterableTopic(broker, resource.resourceType, resource.resourceName);
  if ('failure' in target) return target.failure;
  const configs: Record<string, string> = {};
  for (const { name, value } of resource.configs) if (value !== null) configs[name] = value;
  const checked = checkTopicConfigs(broker, configs);
  if ('failure' in checked) return checked.failure;
  if (validateOnly) return OK;
  try {
    await broker.logs.setTopicConfigs(target.topic.name, checked.overrides);
    broker.log.info({ topic: target.topic.name, configs: checked.overrides }, 'replaced topic configs');
    return OK;
  } catch (err) {
    return failureOf(broker, err, 'alter configs');
  }
}
