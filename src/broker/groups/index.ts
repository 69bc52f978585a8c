// Consumer groups: the classic group protocol and durable committed offsets.
export type { GroupState } from './group.js';
export {
  type CommitEntry,
  DEFAULT_GROUP_OPTIONS,
  type GroupOptions,
  GroupService,
  type PartitionLag,
} from './group-service.js';
export { OFFSETS_TOPIC } from './offset-store.js';
