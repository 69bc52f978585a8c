// The platform's only door: `sluice start` wiring, the shape of a platform component and their
// list, the HTTP server, health and its config sections.
export type {
  ComponentContext,
  ComponentHandle,
  ConfigSection,
  PlatformComponent,
  PlatformFacts,
  SectionValue,
} from './component.js';
export { PLATFORM_COMPONENTS } from './components.js';
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
export {
  type PlatformConfig,
  type PlatformSettings,
  type RunningComponents,
  startPlatformComponents,
} from './worker/platform-components.js';
export { PlatformStartError, PlatformSupervisor } from './worker/platform-supervisor.js';
