// Metrics the broker records about itself.

export { byteLength, countRecords } from './batch-counts.js';
export { type BrokerMetrics, NO_BROKER_METRICS } from './broker-metrics.js';
export { type NetworkStats, registerNetworkMetrics } from './network-metrics.js';
export { PromBrokerMetrics } from './prom-broker-metrics.js';
export { registerReadBufferMetrics } from './read-buffer-metrics.js';
export { responseErrorCodes } from './response-errors.js';
