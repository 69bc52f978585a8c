// The metrics room's only door: client metrics for Node services (`sluice/metrics`), the
// built-in alert evaluator, and (with the lag monitor) consumer lag as kafka_exporter and Burrow show it.
export * from './alerts/index.js';
export * from './client/index.js';
export * from './lag/index.js';
