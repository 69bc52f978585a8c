// The platform's only door: `sluice start` wiring, the HTTP server, health and the config file.
export { ConfigFileError, loadConfigFile, parseConfigText, type SluiceConfigFile } from './config-file.js';
export {
  aggregateStatus,
  type HealthIndicator,
  HealthRegistry,
  type HealthReport,
  type HealthResult,
  type HealthStatus,
} from './health/health.js';
export type { ListeningHttp } from './http-server.js';
export { type PlatformOptions, type RunningPlatform, startPlatform } from './start-platform.js';
export { PlatformStartError, PlatformSupervisor } from './worker/platform-supervisor.js';
