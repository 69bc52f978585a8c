// A predicate or filter as written, in either of Spring Cloud Gateway's forms, turned into a name
// and named arguments. Shortcut: `Path=/a/**,/b/**` (values split on commas, as Spring does);
// expanded: `{name: Path, args: {patterns: [/a/**]}}`, where Spring's generated keys `_genkey_0`,
// `_genkey_1`... stand for the values in shortcut order.

import type { DefinitionInput } from './config.js';
import { ArgError } from './route-error.js';

/** The arguments a predicate or filter takes, in shortcut order. */
export interface ArgSpec {
  readonly fields: readonly string[];
  /** Spring's GATHER_LIST: every shortcut value goes into the first field, as a list. */
  readonly gather?: boolean;
}

export type ArgValue = string | string[];

export interface ParsedDefinition {
  readonly name: string;
  readonly args: Readonly<Record<string, ArgValue>>;
}

/** The name only, to find the spec. */
export function definitionName(input: DefinitionInput): string {
  if (typeof input !== 'string') return input.name;
  const eq = input.indexOf('=');
  return (eq < 0 ? input : input.slice(0, eq)).trim();
}

export function parseDefinition(input: DefinitionInput, spec: ArgSpec): ParsedDefinition {
  const name = definitionName(input);
  const args: Record<string, ArgValue> = {};
  if (typeof input === 'string') {
    const eq = input.indexOf('=');
    const values =
      eq < 0
        ? []
        : input
            .slice(eq + 1)
            .split(',')
            .map((v) => v.trim());
    if (values.length === 1 && values[0] === '') values.length = 0;
    place(args, values, spec);
    return { name, args };
  }
  const positional: string[] = [];
  for (const [key, raw] of flatten(input.args ?? {})) {
    const value = toArg(key, raw);
    const gen = /^_genkey_(\d+)$/.exec(key);
    if (gen) {
      positional[Number(gen[1])] = Array.isArray(value) ? value.join(',') : value;
      continue;
    }
    if (!spec.fields.includes(key)) throw new ArgError(`unknown argument '${key}'${allowed(spec)}`);
    args[key] = value;
  }
  place(
    args,
    positional.filter((v) => v !== undefined),
    spec,
  );
  return { name, args };
}

function place(args: Record<string, ArgValue>, values: string[], spec: ArgSpec): void {
  if (values.length === 0) return;
  const first = spec.fields[0];
  if (first === undefined) throw new ArgError('takes no arguments');
  if (spec.gather) {
    args[first] = values;
    return;
  }
  if (values.length > spec.fields.length)
    throw new ArgError(
      `takes at most ${spec.fields.length} argument(s) (${spec.fields.join(', ')}), got ${values.length}`,
    );
  values.forEach((v, i) => {
    args[spec.fields[i] as string] = v;
  });
}

/** Nested objects become dotted keys, as Spring binds `backoff: {factor: 2}` to `backoff.factor`. */
function flatten(args: Readonly<Record<string, unknown>>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(args).flatMap(
    ([key, raw]): Array<[string, unknown]> =>
      raw !== null && typeof raw === 'object' && !Array.isArray(raw)
        ? flatten(raw as Record<string, unknown>, `${prefix}${key}.`)
        : [[`${prefix}${key}`, raw]],
  );
}

function toArg(key: string, raw: unknown): ArgValue {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw) && raw.every((v) => ['string', 'number', 'boolean'].includes(typeof v)))
    return raw.map(String);
  throw new ArgError(`argument '${key}' must be a string, a number or a list of them`);
}

const allowed = (spec: ArgSpec) =>
  spec.fields.length ? `; it takes ${spec.fields.join(', ')}` : '; it takes none';

/** Argument helpers for the factories: one text, a list, required or not. */
export function text(args: Readonly<Record<string, ArgValue>>, key: string): string | undefined {
  const v = args[key];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

export function required(args: Readonly<Record<string, ArgValue>>, key: string): string {
  const v = text(args, key);
  if (v === undefined || v === '') throw new ArgError(`argument '${key}' is required`);
  return v;
}

export function list(args: Readonly<Record<string, ArgValue>>, key: string): string[] {
  const v = args[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}
