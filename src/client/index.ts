// The client room's only door: how Sluice's components talk to a Kafka broker (Sluice's or Apache
// Kafka) over the wire, in Sluice's own types. The client library behind it is this room's
// business; whatever fails comes out as a ClientError (a SluiceError).
export { KafkaAdmin, type NewTopic } from './admin.js';
export { ClientError } from './client-error.js';
export {
  type CatchingUpLog,
  type CaughtUpOpening,
  ensureTopic,
  type FollowedRecord,
  FollowedTopic,
  type FollowedTopicOptions,
  openCaughtUp,
  readWholeTopic,
} from './followed-topic.js';
export { GroupConsumer, type GroupConsumerOptions, type TopicRecord } from './group-consumer.js';
export {
  GROUP_HEARTBEAT_INTERVAL_MS,
  GROUP_REBALANCE_TIMEOUT_MS,
  GROUP_SESSION_TIMEOUT_MS,
  GroupReader,
  type GroupReaderOptions,
} from './group-reader.js';
export type { ConnectOptions } from './library.js';
export {
  PartitionReader,
  type PartitionReaderOptions,
  type RecordSource,
  type StartPosition,
} from './partition-reader.js';
export { KafkaProducer, type ProducerOptions } from './producer.js';
export {
  type Acks,
  type BrokerDescription,
  type Compression,
  type ConfigEntry,
  type ConsumedRecord,
  type GroupListing,
  type OffsetSpec,
  type OffsetTable,
  type PartitionDescription,
  type ProducedOffset,
  type RecordToProduce,
  setOffset,
  type TopicDescription,
  type TopicPartitions,
} from './types.js';
export { ClusterClient, type ClusterClientOptions } from './wire/cluster-client.js';
export {
  type ClusterLayout,
  type FetchedPartition,
  type FetchOptions,
  fetchPartitions,
  type PartitionFetch,
  readLayout,
  readOffsets,
} from './wire/cluster-reads.js';
export {
  describeGroups,
  type GroupDescription,
  type GroupMemberDescription,
} from './wire/describe-groups.js';
