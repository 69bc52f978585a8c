// Consumer lag: kafka_exporter's metrics and Burrow's lag status, read over the Kafka protocol.
export {
  BurrowStatus,
  type BurrowStatusName,
  type GroupStatus,
  groupStatus,
  type PartitionInput,
  type PartitionStatus,
  type WindowCommit,
  windowStatus,
} from './burrow-rules.js';
export { type LagMonitor, type LagMonitorOptions, startLagMonitor } from './lag-monitor.js';
export { registerLagRoutes } from './lag-routes.js';
