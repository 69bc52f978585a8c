// Real Kafka clients as separate processes, pointed at any bootstrap address ("127.0.0.1:port").
// Compat tests import from here only. Every call has a timeout and kills its child when it runs
// out; bytes (keys, values, header values) round-trip exactly unless a peer's own limit says not.
//
//   kcat           kcatProduce, kcatConsume, kcatMetadata
//   confluent-kafka confluentProduce, confluentConsume      (python3-confluent-kafka, librdkafka)
//   kafka-python   kafkapyProduce, kafkapyConsume           (python3-kafka)
//   Java tools     kafkaTool('topics' | 'console-producer' | ..., args)
//   peerMissing(name) says why a peer cannot run here (for `skip`), or null.

export { type PeerName, peerMissing } from './peers/availability.js';
export { type KafkaTool, kafkaTool } from './peers/kafka-tools.js';
export { type KcatMetadata, kcatConsume, kcatMetadata, kcatProduce, parseKcatRecords } from './peers/kcat.js';
export { checkRun, type RunResult, repoRoot, runProcess } from './peers/process.js';
export {
  confluentConsume,
  confluentProduce,
  kafkapyConsume,
  kafkapyProduce,
  SYSTEM_PYTHON,
} from './peers/python.js';
export {
  type Acks,
  type Bytes,
  COMPRESSIONS,
  type Compression,
  type ConsumeOptions,
  DEFAULT_TIMEOUT_MS,
  type PeerRecord,
  type ProduceMessage,
  type ProduceOptions,
} from './peers/types.js';
