// The configuration of `sluice start` and `sluice broker`: resolved from the config file, SLUICE_*
// variables and flags; a bad flag is a usage error (exit 2), a bad file or variable exit 1.

import { stringify } from 'yaml';
import {
  ConfigError,
  configSchema,
  formatProblem,
  loadConfig,
  type ResolvedConfig,
} from '../config/index.js';
import type { CommandContext } from './args.js';
import { flagSettings } from './broker-flags.js';
import { CliError, UsageError } from './errors.js';

type Values = Parameters<typeof flagSettings>[0];

export async function commandConfig(
  values: Values,
  port: string | undefined,
  portFlag: string,
  context: CommandContext,
): Promise<ResolvedConfig> {
  // $SLUICE_CONFIG names the file where a flag is awkward (containers, service units).
  const path = typeof values.config === 'string' ? values.config : context.env.SLUICE_CONFIG || undefined;
  try {
    return await loadConfig({ path, env: context.env, flags: flagSettings(values, port, portFlag) });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const flag = err.problems.find((p) => p.origin?.startsWith('--'));
    if (flag !== undefined) throw new UsageError(formatProblem(flag));
    throw new CliError(
      err.problems.length === 1
        ? err.message
        : `invalid configuration:\n  ${err.message.replaceAll('\n', '\n  ')}`,
    );
  }
}

/** `--check-config`: the resolved configuration as YAML, and where the settings came from. */
export function printResolvedConfig(resolved: ResolvedConfig, context: CommandContext): number {
  const sources = [...new Set(resolved.origins.values())].map((o) => (o === 'file' ? 'config file' : o));
  context.stdout.write(
    `# configuration is valid; set by: ${sources.length === 0 ? 'defaults only' : `defaults, ${sources.join(', ')}`}\n`,
  );
  context.stdout.write(stringify(masked(resolved.config, configSchema())));
  return 0;
}

/** The value with every non-empty setting its schema marks `writeOnly` (tokens, secrets) masked. */
function masked(value: unknown, schema: { [key: string]: unknown } | undefined): unknown {
  if (schema?.writeOnly === true && value !== '' && value !== undefined) return '******';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const properties = schema?.properties as Record<string, { [key: string]: unknown }> | undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, properties?.[k])]));
}
