import type { ApiDefinition } from '../schema/api.js';
import { AlterConfigs } from './alter-configs.js';
import { ApiVersions } from './api-versions.js';
import { CreatePartitions } from './create-partitions.js';
import { CreateTopics } from './create-topics.js';
import { DeleteGroups } from './delete-groups.js';
import { DeleteRecords } from './delete-records.js';
import { DeleteTopics } from './delete-topics.js';
import { DescribeCluster } from './describe-cluster.js';
import { DescribeConfigs } from './describe-configs.js';
import { DescribeGroups } from './describe-groups.js';
import { DescribeLogDirs } from './describe-log-dirs.js';
import { DescribeProducers } from './describe-producers.js';
import { ElectLeaders } from './elect-leaders.js';
import { Fetch } from './fetch.js';
import { FindCoordinator } from './find-coordinator.js';
import { Heartbeat } from './heartbeat.js';
import { IncrementalAlterConfigs } from './incremental-alter-configs.js';
import { InitProducerId } from './init-producer-id.js';
import { JoinGroup } from './join-group.js';
import { LeaveGroup } from './leave-group.js';
import { ListGroups } from './list-groups.js';
import { ListOffsets } from './list-offsets.js';
import { ListTransactions } from './list-transactions.js';
import { Metadata } from './metadata.js';
import { OffsetCommit } from './offset-commit.js';
import { OffsetDelete } from './offset-delete.js';
import { OffsetFetch } from './offset-fetch.js';
import { Produce } from './produce.js';
import { SyncGroup } from './sync-group.js';

export {
  AlterConfigs,
  ApiVersions,
  CreatePartitions,
  CreateTopics,
  DeleteGroups,
  DeleteRecords,
  DeleteTopics,
  DescribeCluster,
  DescribeConfigs,
  DescribeGroups,
  DescribeLogDirs,
  DescribeProducers,
  ElectLeaders,
  Fetch,
  FindCoordinator,
  Heartbeat,
  IncrementalAlterConfigs,
  InitProducerId,
  JoinGroup,
  LeaveGroup,
  ListGroups,
  ListOffsets,
  ListTransactions,
  Metadata,
  OffsetCommit,
  OffsetDelete,
  OffsetFetch,
  Produce,
  SyncGroup,
};

/** Every API Sluice serves, sorted by key. */
export const ALL_APIS: readonly ApiDefinition[] = [
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  DeleteRecords,
  InitProducerId,
  DescribeConfigs,
  AlterConfigs,
  DescribeLogDirs,
  CreatePartitions,
  DeleteGroups,
  ElectLeaders,
  IncrementalAlterConfigs,
  OffsetDelete,
  DescribeCluster,
  DescribeProducers,
  ListTransactions,
];
