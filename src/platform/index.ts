// The platform's only door: `sluice start` wiring, the HTTP server, health and its config sections.
export {
  type HttpSection,
  httpConfigSection,
  type PlatformSection,
  platformConfigSection,
} from './config-section.js';
export {
  aggregateStatus,
  type HealthIndicator,
  HealthRegistry,
  type HealthReport,
  type HealthResult,
  type HealthStatus,
} from './health/health.js';
export type { ListeningHttp } from './http-server.js';
export { defaultLogFormat, LOG_FORMATS, type LogFormat } from './log-format.js';
export { type PlatformOptions, type RunningPlatform, startPlatform } from './start-platform.js';
export type { PlatformConfig } from './worker/platform-components.js';
export { PlatformStartError, PlatformSupervisor } from './worker/platform-supervisor.js';
