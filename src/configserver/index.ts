// The config server's only door: Spring Cloud Config Server's API, /monitor and Spring Cloud
// Bus refresh events, over a compacted values topic and a history topic.

export { ADMIN_PREFIX } from './admin-routes.js';
export {
  ACK_EVENT,
  destinationFor,
  destinationMatches,
  REFRESH_EVENT,
  type RemoteEvent,
  servicesOfPath,
} from './bus.js';
export { TextCipher } from './cipher.js';
export {
  type ConfigServerConfig,
  configServerConfigSection,
  DEFAULT_CONFIG_SERVER_CONFIG,
} from './config.js';
export { MASK, type PropertyView } from './config-store.js';
export type { EnvironmentBody, PropertySourceBody } from './environment.js';
export { checkKey, DEFAULT_PROFILE, splitAppProfile } from './names.js';
export { V2_MEDIA_TYPE } from './spring-routes.js';
export { type RunningStandalone, runStandaloneConfigServer, type StandaloneOptions } from './standalone.js';
export {
  type RunningConfigServer,
  type StartConfigServerOptions,
  startConfigServer,
} from './start-server.js';
