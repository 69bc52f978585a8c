// A Protobuf schema as Confluent's clients send it — a .proto text, or (what confluent-kafka's and
// @confluentinc/schemaregistry's serializers register) a base64 serialized FileDescriptorProto —
// loaded with its references into one protobufjs Root. Imports of Google's well-known types that
// no reference names (the clients skip them: `skip.known.types`) come from protobufjs' own copies.
// Shared by the registry (parsing, compatibility, `format=serialized`) and the pipeline (decoding).

import protobuf from 'protobufjs';
import * as descriptorModule from 'protobufjs/ext/descriptor.js';

// The extension replaces its module.exports, so Node's ESM import sees it as the default export only.
const descriptor = ((descriptorModule as { default?: unknown }).default ??
  descriptorModule) as typeof descriptorModule;

/** A schema file: its import name, its text (either form) and the files it references. */
export interface ProtoFile {
  readonly name: string;
  readonly schema: string;
  readonly references: readonly ProtoFile[];
}

interface FileProto {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: MessageProto[];
  enumType?: Array<{ name: string }>;
  syntax?: string;
}
interface MessageProto {
  name: string;
  nestedType?: MessageProto[];
  options?: { mapEntry?: boolean };
}

/** One file of the schema, read but not yet resolved against the others. */
interface ReadFile {
  readonly form: 'text' | 'serialized';
  readonly pkg: string;
  readonly imports: readonly string[];
  readonly edition: string;
  /** Full names (with a leading dot) of the top-level messages, in declaration order, with their nested ones. */
  readonly messages: readonly MessageName[];
  /** Full names of the top-level enums. */
  readonly enums: readonly string[];
  addTo(root: protobuf.Root): void;
}
interface MessageName {
  readonly fullName: string;
  readonly nested: readonly MessageName[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A .proto text that declares anything has a `{` or a `;`, which base64 never has. */
export function isSerializedProto(schema: string): boolean {
  const compact = schema.replace(/\s+/g, '');
  return compact.length > 0 && compact.length % 4 === 0 && BASE64.test(compact);
}

function namesOf(scope: string, messages: readonly MessageProto[] | undefined): MessageName[] {
  return (messages ?? []).map((m) => {
    const fullName = `${scope}.${m.name}`;
    return { fullName, nested: namesOf(fullName, m.nestedType) };
  });
}

/** protoc's name for the nested message a map field stands for: `line_items` → `LineItemsEntry`. */
function mapEntryName(field: string): string {
  return `${field
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}Entry`;
}

/**
 * A text file's messages as the descriptor `serialized()` answers numbers them: in each message,
 * its map fields' entries first (no messages of their own), then its nested messages.
 */
function namesOfTypes(scope: protobuf.NamespaceBase): MessageName[] {
  const entries =
    scope instanceof protobuf.Type
      ? scope.fieldsArray
          .filter((f) => f instanceof protobuf.MapField)
          .map((f) => ({ fullName: `${scope.fullName}.${mapEntryName(f.name)}`, nested: [] }))
      : [];
  const types = scope.nestedArray
    .filter((n): n is protobuf.Type => n instanceof protobuf.Type)
    .map((t) => ({ fullName: t.fullName, nested: namesOfTypes(t) }));
  return [...entries, ...types];
}

interface DescriptorShape {
  field: Array<{ name: string; typeName?: string }>;
  nestedType: Array<DescriptorShape & { name: string; options?: { mapEntry?: boolean } | null }>;
}

/** protobufjs names a map entry after its field; protoc (and so the clients) `<Field>Entry`. */
function protocMapEntries(message: DescriptorShape): void {
  for (const nested of message.nestedType) {
    if (nested.options?.mapEntry === true) {
      const field = message.field.find((f) => f.typeName === nested.name);
      if (field !== undefined) {
        nested.name = mapEntryName(field.name);
        field.typeName = nested.name;
      }
    } else protocMapEntries(nested);
  }
}

function readSerialized(schema: string): ReadFile {
  const bytes = Buffer.from(schema.replace(/\s+/g, ''), 'base64');
  const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as FileProto;
  const pkg = file.package ?? '';
  const edition = file.syntax === 'proto3' ? 'proto3' : file.syntax === 'editions' ? 'editions' : 'proto2';
  if (edition === 'editions') throw new Error('Protobuf editions are not supported, only proto2 and proto3');
  return {
    form: 'serialized',
    pkg,
    imports: file.dependency ?? [],
    edition,
    messages: namesOf(pkg === '' ? '' : `.${pkg}`, file.messageType),
    enums: (file.enumType ?? []).map((e) => `${pkg === '' ? '' : `.${pkg}`}.${e.name}`),
    addTo(root) {
      const scope = pkg === '' ? root : root.define(pkg);
      const context = { edition, keepCase: true };
      for (const m of file.messageType ?? []) scope.add(protobuf.Type.fromDescriptor(m, context));
      for (const e of file.enumType ?? []) scope.add(protobuf.Enum.fromDescriptor(e));
    },
  };
}

function readText(schema: string): ReadFile {
  // Parsed alone first: the file's own messages, in its order, whatever else shares its package.
  const alone = protobuf.parse(schema, new protobuf.Root(), { keepCase: true });
  const pkg = alone.package ?? '';
  const scope = pkg === '' ? alone.root : alone.root.lookup(pkg);
  return {
    form: 'text',
    pkg,
    imports: [...(alone.imports ?? []), ...(alone.weakImports ?? [])],
    edition: /^\s*syntax\s*=\s*["']proto3["']/m.test(schema) ? 'proto3' : 'proto2',
    messages: scope instanceof protobuf.Namespace ? namesOfTypes(scope) : [],
    enums:
      scope instanceof protobuf.Namespace
        ? scope.nestedArray.filter((n) => n instanceof protobuf.Enum).map((e) => e.fullName)
        : [],
    addTo(root) {
      protobuf.parse(schema, root, { keepCase: true });
    },
  };
}

function readFile(schema: string): ReadFile {
  return isSerializedProto(schema) ? readSerialized(schema) : readText(schema);
}

/** A schema loaded with everything it imports, every type resolved. */
export class LoadedProto {
  constructor(
    readonly root: protobuf.Root,
    private readonly main: ReadFile,
    private readonly schema: string,
  ) {}

  get form(): 'text' | 'serialized' {
    return this.main.form;
  }

  /** The message at Confluent's index path: top-level messages in declaration order, then nested ones. */
  messageAt(indexes: readonly number[]): protobuf.Type | undefined {
    let names = this.main.messages;
    let found: MessageName | undefined;
    for (const index of indexes) {
      found = names[index];
      if (found === undefined) return undefined;
      names = found.nested;
    }
    if (found === undefined) return undefined;
    const type = this.root.lookup(found.fullName);
    return type instanceof protobuf.Type ? type : undefined;
  }

  /** The schema as a base64 FileDescriptorProto, as Confluent answers `?format=serialized`. */
  serialized(): string {
    if (this.main.form === 'serialized') return this.schema.replace(/\s+/g, '');
    const own = this.main.messages.map((m) => this.root.lookup(m.fullName) as protobuf.Type);
    const enums = this.main.enums.map((name) => this.root.lookup(name) as protobuf.Enum);
    const file = descriptor.FileDescriptorProto.create({
      name: 'schema.proto',
      ...(this.main.pkg === '' ? {} : { package: this.main.pkg }),
      dependency: [...this.main.imports],
      messageType: own.map((t) => {
        const message = t.toDescriptor(this.main.edition);
        protocMapEntries(message as unknown as DescriptorShape);
        return message;
      }),
      enumType: enums.map((e) => e.toDescriptor()),
      ...(this.main.edition === 'proto3' ? { syntax: 'proto3' } : {}),
    });
    return Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()).toString('base64');
  }

  /**
   * What the schema means, the same whichever form it came in: the package, then its messages in
   * declaration order (they are what message indexes count) with fields by number, types by full
   * name, options, oneofs, nested messages and enums; then its enums.
   */
  canonical(): string {
    const enumShape = (e: protobuf.Enum) => [e.name, Object.entries(e.values).sort(([, a], [, b]) => a - b)];
    const messageShape = (t: protobuf.Type): unknown => [
      t.name,
      [...t.fieldsArray]
        .sort((a, b) => a.id - b.id)
        .map((f) => [
          f.name,
          f.id,
          f.repeated ? 'repeated' : f instanceof protobuf.MapField ? `map<${f.keyType}>` : '',
          f.resolvedType ? f.resolvedType.fullName : f.type,
          f.partOf?.name ?? '',
          f.options ?? {},
        ]),
      t.nestedArray.filter((n) => n instanceof protobuf.Type).map((n) => messageShape(n)),
      t.nestedArray.filter((n) => n instanceof protobuf.Enum).map((n) => enumShape(n)),
    ];
    return JSON.stringify([
      this.main.pkg,
      this.main.messages.map((m) => messageShape(this.root.lookup(m.fullName) as protobuf.Type)),
      this.main.enums.map((name) => enumShape(this.root.lookup(name) as protobuf.Enum)),
    ]);
  }
}

function addWellKnown(root: protobuf.Root, imports: readonly string[], given: ReadonlySet<string>): void {
  for (const name of imports) {
    if (given.has(name)) continue;
    const common = protobuf.common.get(name);
    if (common !== null && common !== undefined) root.addJSON(common.nested ?? {});
  }
}

/**
 * Loads `schema` with its references (depth first, each file once). Throws with what is wrong: a
 * text that does not parse, bytes that are no FileDescriptorProto, a type that does not resolve.
 */
export function loadProto(schema: string, references: readonly ProtoFile[]): LoadedProto {
  const root = new protobuf.Root();
  // Every name a reference provides, so a well-known file given as a reference is not added twice.
  const given = new Set<string>();
  const collect = (refs: readonly ProtoFile[]) => {
    for (const ref of refs) {
      if (given.has(ref.name)) continue;
      given.add(ref.name);
      collect(ref.references);
    }
  };
  collect(references);
  const wellKnown = new Set<string>();
  const seen = new Set<string>();
  const load = (refs: readonly ProtoFile[]) => {
    for (const ref of refs) {
      if (seen.has(ref.name)) continue;
      seen.add(ref.name);
      load(ref.references);
      let read: ReadFile;
      try {
        read = readFile(ref.schema);
      } catch (error) {
        throw new Error(`reference '${ref.name}': ${(error as Error).message}`);
      }
      for (const i of read.imports) wellKnown.add(i);
      read.addTo(root);
    }
  };
  load(references);
  const main = readFile(schema);
  for (const i of main.imports) wellKnown.add(i);
  addWellKnown(root, [...wellKnown], given);
  main.addTo(root);
  root.resolveAll();
  return new LoadedProto(root, main, schema);
}
