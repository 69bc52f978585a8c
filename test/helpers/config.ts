// One section of the config file, resolved through the config room as `sluice start` resolves it.

import { resolveConfig } from '../../src/config/index.js';
import { type LogsConfig, logsConfigFrom } from '../../src/logs/index.js';
import type { AlertConfig } from '../../src/metrics/alerts/index.js';

/** The `alerts:` section, validated with its defaults filled in. */
export function alertConfig(section: unknown): AlertConfig {
  return resolveConfig({ file: { alerts: section } }).config.alerts;
}

/** The `logs:` section, validated, as the log monitor's LogsConfig. */
export function logsConfig(section: unknown): LogsConfig {
  return logsConfigFrom(resolveConfig({ file: { logs: section } }).config.logs);
}
