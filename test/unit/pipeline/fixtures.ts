// Shared by the pipeline's unit tests: messages, a schema registry held in memory (the resolver
// interface the runtime will wire to the real one), and compiling a pipeline from YAML.

import { SluiceError } from '../../../src/errors/index.js';
import {
  type CompiledPipeline,
  compilePipeline,
  type Header,
  PipelineMessage,
  parsePipelineFile,
  type RegisteredSchema,
  type SchemaResolver,
  type SchemaType,
} from '../../../src/pipeline/index.js';

export function message(
  value: unknown,
  options: { key?: string | null; headers?: [string, string][]; timestamp?: number; raw?: Buffer } = {},
): PipelineMessage {
  const bytes = options.raw ?? (value === undefined ? null : Buffer.from(JSON.stringify(value)));
  const headers: Header[] = (options.headers ?? []).map(([n, v]) => [n, Buffer.from(v)]);
  return new PipelineMessage({
    key: options.key === undefined || options.key === null ? null : Buffer.from(options.key),
    value: bytes,
    headers,
    timestamp: options.timestamp ?? 1_700_000_000_000,
    source: { topic: 'orders', partition: 2, offset: 41n },
  });
}

/** The value of an output as JSON. */
export function jsonOf(m: PipelineMessage): unknown {
  return m.value === null ? null : JSON.parse(m.value.toString('utf8'));
}

export function headersOf(m: { headers: readonly Header[] }): [string, string][] {
  return m.headers.map(([n, v]) => [n, v.toString('utf8')]);
}

/** A registry in memory: subjects with versions, ids shared by equal schemas, as Confluent's. */
export class MemoryRegistry implements SchemaResolver {
  readonly schemas: RegisteredSchema[] = [];
  readonly subjects = new Map<string, number[]>();
  down = false;
  lookups = 0;

  register(subject: string, schemaType: SchemaType, schema: string): number {
    let found = this.schemas.find((s) => s.schema === schema && s.schemaType === schemaType);
    if (found === undefined) {
      found = { id: this.schemas.length + 1, schemaType, schema };
      this.schemas.push(found);
    }
    const versions = this.subjects.get(subject) ?? [];
    versions.push(found.id);
    this.subjects.set(subject, versions);
    return found.id;
  }

  async bySubject(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    this.check();
    const versions = this.subjects.get(subject);
    const id = versions?.[version === 'latest' ? versions.length - 1 : version - 1];
    if (id === undefined)
      throw new SluiceError('NOT_FOUND', `subject ${subject} version ${version} not found`);
    return this.schemas[id - 1];
  }

  async byId(id: number): Promise<RegisteredSchema> {
    this.check();
    const found = this.schemas[id - 1];
    if (found === undefined) throw new SluiceError('NOT_FOUND', `schema ${id} not found`);
    return found;
  }

  private check(): void {
    this.lookups++;
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
  }
}

/** Compiles the one pipeline of a YAML text (a `name:` and its definition). */
export async function pipeline(yaml: string, resolver?: SchemaResolver): Promise<CompiledPipeline> {
  const section = parsePipelineFile(yaml);
  const [name, def] = Object.entries(section)[0];
  return compilePipeline(name, def, { resolver });
}
