import type { Handler } from '../handler.js';
import { alterConfigs } from './alter-configs.js';
import { apiVersions } from './api-versions.js';
import { createPartitions } from './create-partitions.js';
import { createTopics } from './create-topics.js';
import { deleteRecords } from './delete-records.js';
import { deleteTopics } from './delete-topics.js';
import { describeCluster } from './describe-cluster.js';
import { describeConfigs } from './describe-configs.js';
import { describeLogDirs } from './describe-log-dirs.js';
import { describeProducers } from './describe-producers.js';
import { electLeaders } from './elect-leaders.js';
import { fetch } from './fetch.js';
import { GROUP_HANDLERS } from './group-handlers.js';
import { incrementalAlterConfigs } from './incremental-alter-configs.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { listTransactions } from './list-transactions.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';

/** Every API the broker serves; ApiVersions is answered from this list. */
export const HANDLERS: readonly Handler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  initProducerId,
  describeCluster,
  createTopics,
  deleteTopics,
  deleteRecords,
  describeConfigs,
  alterConfigs,
  createPartitions,
  incrementalAlterConfigs,
  describeLogDirs,
  electLeaders,
  describeProducers,
  listTransactions,
  ...GROUP_HANDLERS,
] as unknown as readonly Handler[];
