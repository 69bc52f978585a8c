// The API gateway's only door: routes in Spring Cloud Gateway's model (predicates, filters,
// order), a streaming reverse proxy with keep-alive pools to upstreams (undici), and lb://
// targets resolved from the registry's events topic.
export {
  DEFAULT_GATEWAY_CONFIG,
  type DefinitionInput,
  type GatewayConfig,
  gatewayConfigSection,
  type RouteInput,
} from './config.js';
export { FILTERS, NOT_YET, SECURE_HEADERS } from './filters.js';
export { compileHostPattern, compilePathPattern } from './path-pattern.js';
export { PREDICATES } from './predicates.js';
export { RegistryFollower } from './registry-follower.js';
export { RouteConfigError, type RouteProblem } from './route-error.js';
export { type CompiledRoute, compileRoutes, RouteTable } from './routes.js';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './start-gateway.js';
