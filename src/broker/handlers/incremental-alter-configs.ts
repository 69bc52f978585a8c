import { ErrorCode, IncrementalAlterConfigs, type RequestOf } from '../../protocol/index.js';
import { describeTopicConfigs, type TopicInfo } from '../../storage/index.js';
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
import { type Failure, fail } from './topic-admin.js';

type Resource = RequestOf<typeof IncrementalAlterConfigs>['resources'][number];
type Change = Resource['configs'][number];

/** Kafka's AlterConfigOp.OpType ids. */
const Op = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

/** Changes some of a resource's configs; all of a resource's changes apply, or none. */
export const incrementalAlterConfigs = defineHandler(IncrementalAlterConfigs, async (ctx, request) => {
  return alterEachResource(request.resources, (resource) =>
    alterOne(ctx.broker, resource, request.validateOnly),
  );
});

async function alterOne(broker: BrokerCore, resource: Resource, validateOnly: boolean): Promise<Failure> {
  const problem = alterRequestProblem(
    resource.configs,
    (i) => resource.configs[i].configOperation === Op.DELETE,
  );
  if (problem) return problem;
  if (resource.resourceType === ResourceType.BROKER) return alterBroker(broker, resource, validateOnly);
  const target = alterableTopic(broker, resource.resourceType, resource.resourceName);
  if ('failure' in target) return target.failure;
  const next = { ...target.topic.configs };
  for (const change of resource.configs) {
    const failure = apply(broker, target.topic, next, change);
    if (failure) return failure;
  }
  const checked = checkTopicConfigs(broker, next);
  if ('failure' in checked) return checked.failure;
  return storeTopicConfigs(broker, target.topic.name, checked.overrides, validateOnly);
}

/** Dynamic broker configs: SET and DELETE; APPEND and SUBTRACT on the one list (log.cleanup.policy). */
function alterBroker(broker: BrokerCore, resource: Resource, validateOnly: boolean): Promise<Failure> {
  const badId = brokerIdProblem(broker, resource.resourceName, true);
  if (badId) return Promise.resolve(badId);
  const next = (current: Readonly<Record<string, string>>) => {
    const configs = { ...current };
    for (const { name, configOperation: op, value } of resource.configs) {
      if (op === Op.SET) configs[name] = value ?? '';
      else if (op === Op.DELETE) delete configs[name];
      else if ((op === Op.APPEND || op === Op.SUBTRACT) && name === 'log.cleanup.policy') {
        const items = listItems(configs[name] ?? broker.logs.defaultConfig.cleanupPolicy ?? 'delete');
        for (const item of listItems(value ?? '')) {
          const at = items.indexOf(item);
          if (op === Op.APPEND && at < 0) items.push(item);
          if (op === Op.SUBTRACT && at >= 0) items.splice(at, 1);
        }
        configs[name] = items.join(',');
      } else if (op === Op.APPEND || op === Op.SUBTRACT) {
        const why = `Can't ${OP_NAMES[op]} to key ${name} because its type is not LIST.`;
        return { failure: fail(ErrorCode.INVALID_CONFIG, why) };
      } else {
        return { failure: fail(ErrorCode.INVALID_REQUEST, `Unknown operation type ${op} for ${name}`) };
      }
    }
    return { configs };
  };
  return alterBrokerLevel(broker, resource.resourceName, next, validateOnly);
}

/** Applies one change to the override set being built. */
function apply(
  broker: BrokerCore,
  topic: TopicInfo,
  next: Record<string, string>,
  change: Change,
): Failure | null {
  const { name, configOperation: op, value } = change;
  switch (op) {
    case Op.SET:
      next[name] = value ?? '';
      return null;
    case Op.DELETE:
      delete next[name];
      return null;
    case Op.APPEND:
    case Op.SUBTRACT: {
      const current = describeTopicConfigs(next, broker.logs.defaultConfig).find((c) => c.name === name);
      if (!current) {
        return fail(
          ErrorCode.INVALID_CONFIG,
          `Can't ${OP_NAMES[op]} to key ${name} because its type is not known.`,
        );
      }
      if (current.type !== 'list') {
        return fail(
          ErrorCode.INVALID_CONFIG,
          `Can't ${OP_NAMES[op]} to key ${name} because its type is not LIST.`,
        );
      }
      const items = listItems(current.value);
      for (const item of listItems(value ?? '')) {
        const at = items.indexOf(item);
        if (op === Op.APPEND && at < 0) items.push(item);
        if (op === Op.SUBTRACT && at >= 0) items.splice(at, 1);
      }
      next[name] = items.join(',');
      return null;
    }
    default:
      return fail(
        ErrorCode.INVALID_REQUEST,
        `Unknown operation type ${op} for ${name} on topic ${topic.name}`,
      );
  }
}

function listItems(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
