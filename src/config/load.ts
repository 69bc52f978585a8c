// Resolving the configuration: built-in defaults < config file < SLUICE_* environment variables <
// command-line flags. The layers are merged into one object, which the schema then validates once
// (filling in defaults), so every error names its key and where its value came from.

import { readFile } from 'node:fs/promises';
import type { AnySchemaObject } from 'ajv';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { closest } from './did-you-mean.js';
import { coerce, envVariables, isSectionVariable } from './env.js';
import { formatKey, type KeyPath } from './key-path.js';
import { problemsOf } from './problems.js';
import { configSchema, configValidator, schemaAt } from './schema.js';
import { SECTION_NAMES, type SluiceConfig } from './sections.js';

/** A value set by a command-line flag: text, typed by the key's schema like an environment variable's. */
export interface FlagSetting {
  /** Dotted key path, e.g. `broker.port`. */
  readonly key: string;
  readonly value: string;
  /** The flag as typed, e.g. `--kafka-port`: errors name it. */
  readonly flag: string;
}

export interface ConfigSources {
  /** The config file; read unless `text` or `file` is given. */
  readonly path?: string;
  /** The file's text (YAML or JSON). */
  readonly text?: string;
  /** The file's contents, already parsed (embedding and tests). */
  readonly file?: unknown;
  /** Only SLUICE_* variables of a section are read; others (SLUICE_BOOTSTRAP ...) are left alone. */
  readonly env?: NodeJS.ProcessEnv;
  readonly flags?: readonly FlagSetting[];
}

export interface ResolvedConfig {
  readonly config: SluiceConfig;
  /** Where each key that is not a default came from: `file`, a variable's name, or a flag. */
  readonly origins: ReadonlyMap<string, string>;
  /** Whether the file, the environment or a flag set this key (or a key under it). */
  isSet(key: string): boolean;
}

/** Reads the config file (if any), then resolves as `resolveConfig`. */
export async function loadConfig(sources: ConfigSources): Promise<ResolvedConfig> {
  if (sources.path === undefined || sources.text !== undefined || sources.file !== undefined) {
    return resolveConfig(sources);
  }
  let text: string;
  try {
    text = await readFile(sources.path, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { key: '', message: `cannot read config file ${sources.path}: ${(err as Error).message}` },
    ]);
  }
  return resolveConfig({ ...sources, text });
}

/** Merges the layers and validates the result; throws ConfigError listing every problem. */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const label = sources.path ?? 'config file';
  const file =
    sources.text === undefined
      ? new ParsedFile(sources.file, label)
      : ParsedFile.fromText(sources.text, label);
  const data = file.data;
  const origins = new Map<string, string>();
  for (const path of leafPaths(data)) origins.set(formatKey(path), 'file');
  const problems: ConfigProblem[] = [];

  for (const [name, text] of Object.entries(sources.env ?? {})) {
    if (!name.startsWith('SLUICE_') || text === undefined || text === '') continue;
    const path = envVariables().get(name);
    if (path === undefined) {
      if (!isSectionVariable(name)) continue;
      const guess = closest(name, envVariables().keys());
      const hint = guess === undefined ? '' : ` (did you mean ${guess}?)`;
      problems.push({ key: '', message: `${name}: no such setting${hint}`, origin: 'environment' });
      continue;
    }
    if (set(data, path, coerce(schemaAt(path), text))) origins.set(formatKey(path), name);
  }
  for (const flag of sources.flags ?? []) {
    const path = flag.key.split('.');
    if (set(data, path, coerce(schemaAt(path), flag.value))) origins.set(flag.key, flag.flag);
  }

  const validate = configValidator();
  if (!validate(data)) {
    const found = problemsOf(validate.errors ?? [], data).map((problem) => {
      const origin = origins.get(problem.key);
      const fromFile = origin === undefined || origin === 'file';
      const line = fromFile ? file.where(problem.path) : undefined;
      return {
        key: problem.key,
        message: problem.message,
        origin: fromFile ? line?.text : origin,
        line: line?.line,
      };
    });
    // In the file's order, as a reader goes through it; variables and flags after.
    found.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
    for (const { key, message, origin } of found) problems.push({ key, message, origin });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    config: inSchemaOrder(data, configSchema()) as SluiceConfig,
    origins,
    isSet: (key) => [...origins.keys()].some((k) => k === key || k.startsWith(`${key}.`)),
  };
}

interface FileLine {
  readonly line: number;
  readonly text: string;
}

/** The file's contents as a plain object, and where in its text each key is. */
class ParsedFile {
  readonly data: Record<string, unknown>;
  #where: (path: KeyPath) => FileLine | undefined = () => undefined;

  constructor(contents: unknown, label: string) {
    this.data = asSections(contents, label);
  }

  static fromText(text: string, label: string): ParsedFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const syntax = doc.errors[0];
    if (syntax !== undefined) {
      // yaml's first line already says where: "... at line 3, column 5:".
      const message = syntax.message.split('\n')[0];
      throw new ConfigError([{ key: '', message: `${label} is not valid YAML: ${message}` }]);
    }
    const parsed = new ParsedFile(doc.toJS(), label);
    parsed.#where = (path) => {
      // The deepest part of the path present in the file: a missing key points at its parent.
      for (let n = path.length; n > 0; n--) {
        const offset = keyOffset(doc, path.slice(0, n));
        if (offset === undefined) continue;
        const { line } = lines.linePos(offset);
        return { line, text: `${label} line ${line}` };
      }
      return undefined;
    };
    return parsed;
  }

  /** Line 4, `sluice.yaml line 4`, for a key the file holds. */
  where(path: KeyPath): FileLine | undefined {
    return this.#where(path);
  }
}

/** Where a key (not its value, which may start lines later) or a list item starts in the text. */
function keyOffset(doc: Document, path: KeyPath): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const key = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === last)?.key;
    return isScalar(key) ? key.range?.[0] : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    return isScalar(item) || isMap(item) || isSeq(item) ? item.range?.[0] : undefined;
  }
  return undefined;
}

function asSections(contents: unknown, label: string): Record<string, unknown> {
  if (contents === null || contents === undefined) return {};
  if (typeof contents !== 'object' || Array.isArray(contents)) {
    throw new ConfigError([
      { key: '', message: `${label}: must be a mapping of sections (${SECTION_NAMES.join(', ')})` },
    ]);
  }
  return dropNulls(structuredClone(contents)) as Record<string, unknown>;
}

/** A key written with no value (`logs:` and nothing under it) is the same as a key left out. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = dropNulls(child);
  return out;
}

/** Keys in the order the schema lists them (ajv appends defaults after the keys given). */
function inSchemaOrder(value: unknown, schema: AnySchemaObject | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => inSchemaOrder(item, schema?.items));
  if (value === null || typeof value !== 'object' || schema?.properties === undefined) return value;
  const object = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(schema.properties as Record<string, AnySchemaObject>)) {
    if (key in object) out[key] = inSchemaOrder(object[key], child);
  }
  return out;
}

/** Sets a key, making the mappings above it; false where the file has something else there. */
function set(data: Record<string, unknown>, path: KeyPath, value: unknown): boolean {
  let at = data;
  for (const segment of path.slice(0, -1)) {
    const next = at[segment] ?? {};
    if (typeof next !== 'object' || Array.isArray(next)) return false;
    at[segment] = next;
    at = next as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
  return true;
}

function leafPaths(value: unknown, path: (string | number)[] = []): KeyPath[] {
  if (value === null || typeof value !== 'object') return [path];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((child, i) => [i, child])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => leafPaths(child, [...path, key]));
}
