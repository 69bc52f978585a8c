// Compatibility of JSON Schemas, as Confluent documents it: can a reader with one schema accept
// every document a writer's schema allows? Checked structurally for the common changes: types
// (integer → number widens, anything else narrows), enums, string/number/array bounds, object
// properties under open content models (additional properties allowed: a property a reader adds
// may already hold anything) and closed ones (additionalProperties false: a property a reader
// drops is refused), required properties, array items, and anyOf/oneOf branches.

export type JsonNode = boolean | { [key: string]: unknown };

type Obj = { [key: string]: unknown };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `#/definitions/x` and `#/$defs/x` inside the same document; anything else stays as it is. */
function deref(node: unknown, root: JsonNode, depth = 0): unknown {
  if (!isObj(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith('#/') || depth > 32) return node;
  let at: unknown = root;
  for (const part of node.$ref.slice(2).split('/')) {
    at = isObj(at) ? at[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  }
  return at === undefined ? node : deref(at, root, depth + 1);
}

function typesOf(node: Obj): Set<string> | undefined {
  if (typeof node.type === 'string') return new Set([node.type]);
  if (Array.isArray(node.type)) return new Set(node.type.map(String));
  return undefined;
}

const allows = (types: Set<string> | undefined, t: string) =>
  types === undefined || types.has(t) || (t === 'integer' && types.has('number'));

/** A schema that accepts anything: `true`, `{}` or one with only annotations. */
function acceptsAll(node: unknown): boolean {
  if (node === true) return true;
  if (!isObj(node)) return false;
  const annotations = new Set(['title', 'description', '$comment', 'default', 'examples', '$id', '$schema']);
  return Object.keys(node).every((k) => annotations.has(k));
}

class Checker {
  readonly problems: string[] = [];
  constructor(
    readonly readerRoot: JsonNode,
    readonly writerRoot: JsonNode,
  ) {}

  add(kind: string, path: string, what: string): void {
    this.problems.push(`${kind}: ${what} at path '${path || '#'}'`);
  }

  check(readerIn: unknown, writerIn: unknown, path: string, depth = 0): void {
    if (depth > 64) return;
    const reader = deref(readerIn, this.readerRoot);
    const writer = deref(writerIn, this.writerRoot);
    if (reader === true || acceptsAll(reader) || writer === false) return;
    if (reader === false) {
      this.add('SCHEMA_NARROWED', path, 'the reader accepts nothing here');
      return;
    }
    if (!isObj(reader)) return;
    const w: Obj = isObj(writer) ? writer : {};
    if (isObj(reader) && isObj(w) && typeof reader.$ref === 'string' && reader.$ref === w.$ref) return;

    const rt = typesOf(reader);
    const wt = typesOf(w);
    if (rt !== undefined) {
      if (wt === undefined) this.add('TYPE_NARROWED', path, `the reader allows only ${[...rt].join(', ')}`);
      else {
        for (const t of wt) {
          if (!allows(rt, t)) {
            const kind = wt.size > 1 || rt.size > 1 ? 'TYPE_NARROWED' : 'TYPE_CHANGED';
            this.add(kind, path, `the writer's ${t} is not one of the reader's ${[...rt].join(', ')}`);
          }
        }
      }
    }
    this.enums(reader, w, path);
    this.bounds(reader, w, path);
    if (allows(rt, 'object') && allows(wt, 'object')) this.objects(reader, w, path, depth);
    if (allows(rt, 'array') && allows(wt, 'array') && reader.items !== undefined) {
      this.check(reader.items, w.items ?? true, `${path}/items`, depth + 1);
    }
    this.branches(reader, w, path, depth);
  }

  enums(reader: Obj, w: Obj, path: string): void {
    if (!Array.isArray(reader.enum)) return;
    if (!Array.isArray(w.enum)) {
      this.add('ENUM_ARRAY_ADDED', path, 'the reader restricts values to an enum');
      return;
    }
    const known = new Set(reader.enum.map((v) => JSON.stringify(v)));
    const missing = w.enum.filter((v) => !known.has(JSON.stringify(v)));
    if (missing.length > 0) {
      this.add(
        'ENUM_ARRAY_NARROWED',
        path,
        `the reader's enum lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}`,
      );
    }
  }

  bounds(reader: Obj, w: Obj, path: string): void {
    // [keyword, true when a larger reader value is stricter (a minimum)]
    const limits: Array<[string, boolean]> = [
      ['maxLength', false],
      ['minLength', true],
      ['maximum', false],
      ['minimum', true],
      ['exclusiveMaximum', false],
      ['exclusiveMinimum', true],
      ['maxItems', false],
      ['minItems', true],
      ['maxProperties', false],
      ['minProperties', true],
    ];
    for (const [key, isMin] of limits) {
      const r = reader[key];
      if (typeof r !== 'number') continue;
      const wv = w[key];
      if (typeof wv !== 'number') {
        this.add(`${camelToUpper(key)}_ADDED`, path, `the reader adds ${key} ${r}`);
      } else if (isMin ? r > wv : r < wv) {
        this.add(`${camelToUpper(key)}_${isMin ? 'INCREASED' : 'DECREASED'}`, path, `${key} ${wv} → ${r}`);
      }
    }
    if (typeof reader.pattern === 'string' && reader.pattern !== w.pattern) {
      this.add(
        w.pattern === undefined ? 'PATTERN_ADDED' : 'PATTERN_CHANGED',
        path,
        `pattern ${reader.pattern}`,
      );
    }
  }

  objects(reader: Obj, w: Obj, path: string, depth: number): void {
    const rProps = isObj(reader.properties) ? reader.properties : {};
    const wProps = isObj(w.properties) ? w.properties : {};
    const rExtra = reader.additionalProperties ?? true;
    const wExtra = w.additionalProperties ?? true;
    for (const [name, schema] of Object.entries(rProps)) {
      const at = `${path}/properties/${name}`;
      if (name in wProps) this.check(schema, wProps[name], at, depth + 1);
      else if (wExtra !== false && !acceptsAll(schema)) {
        // The writer's open model may already have put anything under this name.
        if (wExtra === true) this.add('PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', at, `property '${name}' added`);
        else this.check(schema, wExtra, at, depth + 1);
      }
    }
    for (const [name, schema] of Object.entries(wProps)) {
      if (name in rProps) continue;
      const at = `${path}/properties/${name}`;
      if (rExtra === false)
        this.add('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', at, `property '${name}' removed`);
      else this.check(rExtra, schema, at, depth + 1);
    }
    if (rExtra === false && wExtra !== false) {
      this.add(
        'ADDITIONAL_PROPERTIES_REMOVED',
        path,
        'the reader closes a content model the writer left open',
      );
    } else if (isObj(rExtra) && wExtra !== false) {
      this.check(rExtra, wExtra, `${path}/additionalProperties`, depth + 1);
    }
    const wRequired = new Set(Array.isArray(w.required) ? w.required.map(String) : []);
    for (const name of Array.isArray(reader.required) ? reader.required.map(String) : []) {
      if (!wRequired.has(name))
        this.add('REQUIRED_PROPERTY_ADDED', `${path}/required`, `property '${name}' became required`);
    }
  }

  branches(reader: Obj, w: Obj, path: string, depth: number): void {
    for (const key of ['anyOf', 'oneOf'] as const) {
      const rs = reader[key];
      if (!Array.isArray(rs)) continue;
      const ws = Array.isArray(w[key])
        ? (w[key] as unknown[])
        : Array.isArray(w.anyOf)
          ? w.anyOf
          : Array.isArray(w.oneOf)
            ? w.oneOf
            : [w];
      ws.forEach((branch, i) => {
        const fits = rs.some((r) => {
          const trial = new Checker(this.readerRoot, this.writerRoot);
          trial.check(r, branch, path, depth + 1);
          return trial.problems.length === 0;
        });
        if (!fits)
          this.add('SUM_TYPE_NARROWED', `${path}/${key}/${i}`, `no ${key} branch of the reader accepts it`);
      });
    }
  }
}

function camelToUpper(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Why a reader with schema `reader` cannot accept every document of schema `writer` ([] when it can). */
export function jsonReadProblems(reader: JsonNode, writer: JsonNode): string[] {
  const checker = new Checker(reader, writer);
  checker.check(reader, writer, '#');
  return checker.problems;
}
