// The message flowing through a pipeline: Sluice's own type, independent of any Kafka client, so
// the core runs without I/O and the runtime maps its client's records to and from it. Immutable:
// a step that changes something returns a new message; what it does not change is kept as is
// (key, headers, timestamp and, until the value changes, its very bytes, framing included).

/** A record header: name and raw bytes, in the order the producer wrote them (names may repeat). */
export type Header = readonly [name: string, value: Buffer];

/** Where a message was read from. */
export interface MessageSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export interface MessageFields {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly Header[];
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly source: MessageSource;
}

/** JSON as parsed: what transforms and routes read. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type JsonView =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string };

/** The value of a message whose value a step replaced: written as JSON bytes when first read. */
const UNWRITTEN = Symbol('unwritten');

export class PipelineMessage {
  readonly key: Buffer | null;
  readonly headers: readonly Header[];
  readonly timestamp: number;
  readonly source: MessageSource;
  #value: Buffer | null | typeof UNWRITTEN;
  #json: JsonView | undefined;

  constructor(fields: MessageFields, json?: JsonView) {
    this.key = fields.key;
    this.#value = fields.value;
    this.headers = fields.headers ?? [];
    this.timestamp = fields.timestamp;
    this.source = fields.source;
    this.#json = json;
  }

  /**
   * The value's bytes. After a step replaced the value they are written once, when first read:
   * steps in a row that each change the JSON (SMTs) do not each write it out.
   */
  get value(): Buffer | null {
    if (this.#value === UNWRITTEN) {
      const json = this.#json as { ok: true; value: unknown };
      this.#value = Buffer.from(JSON.stringify(json.value), 'utf8');
    }
    return this.#value;
  }

  /** The value parsed as JSON, once, on first use; a tombstone (no value) reads as null. */
  json(): JsonView {
    if (this.#json === undefined) this.#json = parseJson(this.#value as Buffer | null);
    return this.#json;
  }

  /** A new message whose value is `value` written as JSON (UTF-8); everything else kept. */
  withJson(value: unknown): PipelineMessage {
    const next = new PipelineMessage(this.fields({ value: null }), { ok: true, value: value ?? null });
    next.#value = UNWRITTEN;
    return next;
  }

  /**
   * The same bytes with a JSON view decoded from them some other way (a framed JSON, Avro or
   * Protobuf payload): later steps read the decoded value; the bytes stay unless a step changes it.
   */
  withDecoded(value: unknown): PipelineMessage {
    const next = new PipelineMessage(this.fields({}), { ok: true, value });
    next.#value = this.#value;
    return next;
  }

  with(changes: Partial<Pick<MessageFields, 'key' | 'headers' | 'timestamp'>>): PipelineMessage {
    const next = new PipelineMessage(this.fields(changes), this.#json);
    next.#value = this.#value;
    return next;
  }

  /** The last header of that name (Kafka's `lastHeader`), or undefined. */
  header(name: string): Buffer | undefined {
    for (let i = this.headers.length - 1; i >= 0; i--)
      if (this.headers[i][0] === name) return this.headers[i][1];
    return undefined;
  }

  /** The fields, the value left out (null) unless given: callers set #value themselves. */
  private fields(changes: Partial<MessageFields>): MessageFields {
    return {
      key: this.key,
      value: null,
      headers: this.headers,
      timestamp: this.timestamp,
      source: this.source,
      ...changes,
    };
  }
}

function parseJson(value: Buffer | null): JsonView {
  if (value === null) return { ok: true, value: null };
  if (value.length > 0 && (value[0] === 0 || value[0] === 1)) {
    return {
      ok: false,
      reason: 'the value is framed with a schema id (Confluent wire format), not plain JSON',
    };
  }
  try {
    return { ok: true, value: JSON.parse(value.toString('utf8')) };
  } catch (err) {
    return { ok: false, reason: `the value is not JSON: ${(err as Error).message}` };
  }
}
