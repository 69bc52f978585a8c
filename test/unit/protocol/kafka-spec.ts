// Reads Apache Kafka's JSON message definitions and compares them with our protocol DSL.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiDefinition } from '../../../src/protocol/schema/api.js';
import type { Field, FieldMap } from '../../../src/protocol/schema/fields.js';
import { formatRange, inRange, parseRange } from '../../../src/protocol/schema/versions.js';

/** One field of a Kafka JSON message definition (only what the comparison reads). */
export interface SpecField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  tag?: number;
  taggedVersions?: string;
  default?: string | number | boolean;
  fields?: SpecField[];
}

export interface SpecMessage {
  apiKey: number;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: SpecField[];
  commonStructs?: { name: string; fields: SpecField[] }[];
}

const PRIMITIVES = new Set([
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'bool',
  'string',
  'bytes',
  'records',
  'uuid',
]);
const NUMERIC = new Set(['int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64']);

/** `../shared/kafka-protocol` next to the repository root (the nearest folder up with a package.json). */
export function findSpecDir(moduleUrl: string): string | undefined {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return resolve(dir, '../shared/kafka-protocol');
}

/** Removes `//` comments outside string literals (Kafka's JSON files carry a license header in them). */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else {
      out += c;
    }
  }
  return out;
}

export function loadSpec(path: string): SpecMessage {
  return JSON.parse(stripComments(readFileSync(path, 'utf8'))) as SpecMessage;
}

/** Differences keyed by message, each with the versions it occurs in. */
class Problems {
  private readonly byMessage = new Map<string, number[]>();

  add(message: string, version?: number): void {
    let versions = this.byMessage.get(message);
    if (!versions) {
      versions = [];
      this.byMessage.set(message, versions);
    }
    if (version !== undefined) versions.push(version);
  }

  list(): string[] {
    return [...this.byMessage].map(([message, versions]) =>
      versions.length ? `${message} [v${spans(versions)}]` : message,
    );
  }
}

function spans(versions: number[]): string {
  const parts: string[] = [];
  let start = versions[0];
  for (let i = 1; i <= versions.length; i++) {
    if (i < versions.length && versions[i] === versions[i - 1] + 1) continue;
    const end = versions[i - 1];
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    start = versions[i];
  }
  return parts.join(', v');
}

interface Context {
  readonly side: 'request' | 'response';
  readonly version: number;
  readonly flexible: boolean;
  readonly common: ReadonlyMap<string, SpecField[]>;
  readonly problems: Problems;
}

const camel = (name: string) => name[0].toLowerCase() + name.slice(1);
const key = (name: string) => name.toLowerCase();

function specType(field: SpecField): string {
  const element = field.type.startsWith('[]') ? field.type.slice(2) : undefined;
  if (element !== undefined) return PRIMITIVES.has(element) ? `[]${element}` : '[]struct';
  return PRIMITIVES.has(field.type) ? field.type : 'struct';
}

function ourType(field: Field<unknown>): string {
  if (field.kind === 'primitive') return field.primitive ?? '?';
  if (field.kind === 'array') return typeof field.items === 'string' ? `[]${field.items}` : '[]struct';
  return 'struct';
}

function specChildren(field: SpecField, ctx: Context): SpecField[] {
  if (field.fields) return field.fields;
  const name = field.type.startsWith('[]') ? field.type.slice(2) : field.type;
  return ctx.common.get(name) ?? [];
}

function ourChildren(field: Field<unknown>): FieldMap {
  if (field.fields) return field.fields;
  return typeof field.items === 'object' ? field.items : {};
}

function isTagged(field: SpecField, version: number): boolean {
  return field.tag !== undefined && inRange(version, parseRange(field.taggedVersions ?? field.versions));
}

/** The non-zero default a field has in the spec, as our DSL writes it (numbers and `true` only). */
function specDefault(field: SpecField): unknown {
  const value = field.default;
  if (value === undefined) return undefined;
  if (NUMERIC.has(field.type)) {
    const n = typeof value === 'number' ? value : Number(value);
    return n === 0 ? undefined : n;
  }
  if (field.type === 'bool') return value === true || value === 'true' ? true : undefined;
  return undefined;
}

function ourDefault(field: Field<unknown>): unknown {
  const value = field.defaultValue;
  return value === 0 || value === false ? undefined : value;
}

function describe(field: SpecField): string {
  const tag = field.tag === undefined ? '' : `, tag ${field.tag}`;
  return `(${specType(field)}, versions ${field.taggedVersions ?? field.versions}${tag})`;
}

function compareStruct(ours: FieldMap, spec: SpecField[], path: string, ctx: Context): void {
  const { version, problems } = ctx;
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const specPresent = spec.filter((f) => inRange(version, parseRange(f.versions)));
  const ourPresent = Object.entries(ours).filter(([, f]) => inRange(version, f.versions));

  // Fields in the fixed part of the message, in wire order.
  const specFixed = specPresent.filter((f) => !isTagged(f, version));
  const ourFixed = ourPresent.filter(([, f]) => f.tag === undefined);
  const ourByName = new Map(ourFixed.map(([name, f]) => [key(name), [name, f] as const]));
  const specNames = new Set(specFixed.map((f) => key(f.name)));
  for (const field of specFixed) {
    const match = ourByName.get(key(field.name));
    if (!match) problems.add(`${ctx.side} ${at(camel(field.name))}: missing ${describe(field)}`, version);
    else compareField(match[1], field, at(match[0]), ctx);
  }
  for (const [name] of ourFixed) {
    if (!specNames.has(key(name))) problems.add(`${ctx.side} ${at(name)}: not in the spec`, version);
  }
  // Wire order of the fields both sides have: name the first one out of place.
  const specOrder = specFixed.filter((f) => ourByName.has(key(f.name))).map((f) => camel(f.name));
  const ourOrder = ourFixed.map(([name]) => name).filter((name) => specNames.has(key(name)));
  const wrong = ourOrder.findIndex((name, i) => key(name) !== key(specOrder[i]));
  if (wrong >= 0) {
    problems.add(
      `${ctx.side} ${at(ourOrder[wrong])}: out of order, the spec has ${specOrder[wrong]} in its place`,
      version,
    );
  }

  // Tagged fields, matched by tag number.
  const specTagged = specPresent.filter((f) => isTagged(f, version));
  const ourTagged = ourPresent.filter(([, f]) => f.tag !== undefined);
  if (!ctx.flexible) {
    for (const [name] of ourTagged)
      problems.add(`${ctx.side} ${at(name)}: tagged in a non-flexible version`, version);
    return;
  }
  const ourByTag = new Map<number, [string, Field<unknown>]>();
  for (const [name, field] of ourTagged) {
    const tag = field.tag as number;
    const other = ourByTag.get(tag);
    if (other) problems.add(`${ctx.side} ${at(name)}: tag ${tag} is also used by ${other[0]}`, version);
    else ourByTag.set(tag, [name, field]);
  }
  const specTags = new Set(specTagged.map((f) => f.tag));
  for (const field of specTagged) {
    const match = ourByTag.get(field.tag as number);
    if (!match) {
      problems.add(`${ctx.side} ${at(camel(field.name))}: missing tagged field ${describe(field)}`, version);
      continue;
    }
    const [name, ourField] = match;
    if (key(name) !== key(field.name)) {
      problems.add(`${ctx.side} ${at(name)}: tag ${field.tag} is ${camel(field.name)} in the spec`, version);
    }
    compareField(ourField, field, at(name), ctx);
  }
  for (const [name, field] of ourTagged) {
    if (!specTags.has(field.tag))
      problems.add(`${ctx.side} ${at(name)}: tag ${field.tag} is not in the spec`, version);
  }
}

function compareField(ours: Field<unknown>, spec: SpecField, path: string, ctx: Context): void {
  const { version, problems } = ctx;
  const expected = specType(spec);
  const actual = ourType(ours);
  if (expected !== actual) {
    const detail = spec.type === expected ? '' : ` (${expected})`;
    problems.add(`${ctx.side} ${path}: type ${actual}, the spec says ${spec.type}${detail}`, version);
    return;
  }
  const specNullable =
    spec.nullableVersions !== undefined && inRange(version, parseRange(spec.nullableVersions));
  const ourNullable = inRange(version, ours.nullable);
  if (specNullable !== ourNullable) {
    const should = specNullable ? `nullable (spec: ${spec.nullableVersions})` : 'not nullable';
    problems.add(`${ctx.side} ${path}: should be ${should}, ours is ${formatRange(ours.nullable)}`, version);
  }
  const wantDefault = specDefault(spec);
  const haveDefault = ourDefault(ours);
  if (wantDefault !== haveDefault) {
    problems.add(`${ctx.side} ${path}: default ${String(haveDefault)}, the spec says ${String(wantDefault)}`);
  }
  if (expected === 'struct' || expected === '[]struct') {
    compareStruct(
      ourChildren(ours),
      specChildren(spec, ctx),
      expected === 'struct' ? path : `${path}[]`,
      ctx,
    );
  }
}

/** Every difference between one API definition and Kafka's request and response specs. */
export function compareApi(api: ApiDefinition, request: SpecMessage, response: SpecMessage): string[] {
  const problems = new Problems();
  const served = formatRange(api.versions);
  for (const [side, spec, ours] of [
    ['request', request, api.request],
    ['response', response, api.response],
  ] as const) {
    if (spec.apiKey !== api.key) problems.add(`${side}: api key ${api.key}, the spec says ${spec.apiKey}`);
    const valid = parseRange(spec.validVersions);
    if (api.versions.min < valid.min || api.versions.max > valid.max) {
      problems.add(`${side}: we serve ${served}, outside the spec's validVersions ${spec.validVersions}`);
    }
    const flexible = parseRange(spec.flexibleVersions);
    if (formatRange(flexible) !== formatRange(api.flexible)) {
      problems.add(`${side}: flexible ${formatRange(api.flexible)}, the spec says ${spec.flexibleVersions}`);
    }
    const common = new Map((spec.commonStructs ?? []).map((s) => [s.name, s.fields]));
    const from = Math.max(api.versions.min, valid.min);
    const to = Math.min(api.versions.max, valid.max);
    for (let version = from; version <= to; version++) {
      const ctx: Context = { side, version, flexible: inRange(version, flexible), common, problems };
      compareStruct(ours, spec.fields, '', ctx);
    }
  }
  return problems.list();
}
