// The log store: lines in a Kafka topic, a label index in the topic beside it.
export type { ChunkSummary } from './chunk.js';
export { type IndexStats, LabelIndex, type ReadRange } from './label-index.js';
export { LogStore, type LogStoreOptions, type OutgoingRecord } from './log-store.js';
export {
  DEFAULT_LOGS_CONFIG,
  type LogsConfig,
  type LogsSection,
  logsConfigFrom,
  logsConfigSection,
} from './logs-config.js';
export { indexTopicOf } from './topic-setup.js';
