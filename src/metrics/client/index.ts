// Client-side messaging metrics for any Node service (exported as `sluice/metrics`).
export { type ClientMetricsOptions, countByTopic, KafkaClientMetrics } from './client-metrics.js';
export { instrumentKafkaJsProducer, instrumentProducer, type SendsMessages } from './instrument.js';
