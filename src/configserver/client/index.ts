// `sluice/config`: the Node client of the config server (package.json "exports").
export { type ConfigChange, ConfigClient, type ConfigClientOptions, loadConfig } from './config-client.js';
