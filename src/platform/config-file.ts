import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { SluiceError, type SluiceErrorOptions } from '../errors/index.js';

/**
 * Sluice's config file (YAML or JSON, `--config FILE`). Each component validates its own section;
 * here only the top-level shape is checked, so a misspelt section is an error, not silence.
 */
export interface SluiceConfigFile {
  /** Settings of the built-in alert evaluator (see src/metrics). */
  alerts?: unknown;
  /** Settings of the log monitor (see src/logs). */
  logs?: unknown;
}

const SECTIONS = ['alerts', 'logs'] as const;

export class ConfigFileError extends SluiceError {
  constructor(message: string, options?: SluiceErrorOptions) {
    super('INVALID_CONFIG', message, options);
  }
}

export async function loadConfigFile(path: string): Promise<SluiceConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, source = 'config'): SluiceConfigFile {
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new ConfigFileError(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigFileError(`${source}: expected a mapping of sections (${SECTIONS.join(', ')})`);
  }
  for (const key of Object.keys(value)) {
    if (!(SECTIONS as readonly string[]).includes(key)) {
      throw new ConfigFileError(`${source}: unknown section '${key}' (known: ${SECTIONS.join(', ')})`);
    }
  }
  return value as SluiceConfigFile;
}
