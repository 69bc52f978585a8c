// The client room's only door: how Sluice's components talk to a Kafka broker over the wire.
export { baseOptions, createAdmin, createPartitionConsumer, createProducer } from './clients.js';
export {
  ClientError,
  type KafkaLeafError,
  kafkaErrorId,
  leafErrors,
  UNKNOWN_TOPIC,
  unknownTopicOf,
} from './kafka-errors.js';
export {
  type ConsumedRecord,
  PartitionReader,
  type PartitionReaderOptions,
  type RecordSource,
  type StartPosition,
} from './partition-reader.js';
export { ClusterClient, type ClusterClientOptions } from './wire/cluster-client.js';
export {
  describeGroups,
  type GroupDescription,
  type GroupMemberDescription,
  type TopicPartitions,
} from './wire/describe-groups.js';
