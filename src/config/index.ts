// The config room's only door: Sluice's one configuration model. The schema of the whole file is
// composed from the components' sections (sections.ts); `resolveConfig` merges defaults, the file,
// SLUICE_* variables and flags, and validates once.
export { ConfigError, type ConfigProblem, formatProblem } from './config-error.js';
export { envName, envVariables } from './env.js';
export {
  type ConfigSources,
  type FlagSetting,
  loadConfig,
  type ResolvedConfig,
  resolveConfig,
} from './load.js';
export { configSchema } from './schema.js';
export { SECTION_NAMES, SECTIONS, type SluiceConfig } from './sections.js';
