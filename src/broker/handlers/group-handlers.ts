import type { Handler } from '../handler.js';
import { deleteGroups } from './delete-groups.js';
import { describeGroups } from './describe-groups.js';
import { findCoordinator } from './find-coordinator.js';
import { heartbeat } from './heartbeat.js';
import { joinGroup } from './join-group.js';
import { leaveGroup } from './leave-group.js';
import { listGroups } from './list-groups.js';
import { offsetCommit } from './offset-commit.js';
import { offsetDelete } from './offset-delete.js';
import { offsetFetch } from './offset-fetch.js';
import { syncGroup } from './sync-group.js';

/** The consumer-group APIs. */
export const GROUP_HANDLERS: readonly Handler[] = [
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  deleteGroups,
  offsetDelete,
] as unknown as readonly Handler[];
