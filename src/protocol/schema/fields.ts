import { parseRange, type VersionRange } from './versions.js';

/** Wire types a field can have; arrays and structs are built from these. */
export type Primitive =
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

/** The fields of a struct, in wire order (object key order is the wire order). */
export type FieldMap = Record<string, Field<unknown>>;

/** One field of a message. `T` is the JavaScript value type it decodes to (phantom). */
export interface Field<T> {
  readonly kind: 'primitive' | 'array' | 'struct';
  readonly primitive?: Primitive;
  /** For arrays: the element, either a primitive or a struct's fields. */
  readonly items?: Primitive | FieldMap;
  /** For structs. */
  readonly fields?: FieldMap;
  readonly versions: VersionRange;
  readonly nullable: VersionRange;
  /** Tagged fields live in the tagged-field section of flexible versions. */
  readonly tag?: number;
  readonly defaultValue?: unknown;
  /** True for the request header's client id, which stays a classic string in flexible versions. */
  readonly neverCompact?: boolean;
  readonly __type?: T;
}

export interface FieldOptions {
  /** Versions in which the value may be null, e.g. "1+". */
  nullable?: string;
  /** The tag number, for a tagged field; `versions` are then its tagged versions. */
  tag?: number;
  default?: unknown;
  neverCompact?: boolean;
}

function make<T>(kind: Field<T>['kind'], versions: string, options: FieldOptions, extra: Partial<Field<T>>) {
  const field: Field<T> = {
    kind,
    versions: parseRange(versions),
    nullable: parseRange(options.nullable ?? 'none'),
    tag: options.tag,
    defaultValue: options.default,
    neverCompact: options.neverCompact,
    ...extra,
  };
  return field;
}

const primitive =
  <T>(type: Primitive) =>
  (versions: string, options: FieldOptions = {}): Field<T> =>
    make<T>('primitive', versions, options, { primitive: type });

// int64 values are JavaScript numbers: exact up to 2^53, which covers offsets, timestamps and ids in practice.
export const int8 = primitive<number>('int8');
export const int16 = primitive<number>('int16');
export const uint16 = primitive<number>('uint16');
export const int32 = primitive<number>('int32');
export const uint32 = primitive<number>('uint32');
export const int64 = primitive<number>('int64');
export const float64 = primitive<number>('float64');
export const bool = primitive<boolean>('bool');

type Nullable = FieldOptions & { nullable: string };

/** A primitive whose type gains `null` when the field is declared nullable. */
function nullablePrimitive<T>(type: Primitive) {
  function create(versions: string, options: Nullable): Field<T | null>;
  function create(versions: string, options?: FieldOptions): Field<T>;
  function create(versions: string, options: FieldOptions = {}) {
    return make<T>('primitive', versions, options, { primitive: type });
  }
  return create;
}

export const string = nullablePrimitive<string>('string');
export const bytes = nullablePrimitive<Buffer>('bytes');
/** Record batches: decoded as a slice of the frame; encoded from one buffer or a list of them (no copy). */
export const records = nullablePrimitive<Buffer>('records');
/** A UUID as Kafka prints it: 22 characters of unpadded base64url. */
export const uuid = primitive<string>('uuid');

type PrimitiveValue<P extends Primitive> = P extends 'bool'
  ? boolean
  : P extends 'string'
    ? string
    : P extends 'uuid'
      ? string
      : P extends 'bytes' | 'records'
        ? Buffer
        : number;

/** The decoded shape of a struct's fields. */
export type Infer<F extends FieldMap> = { -readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export function array<P extends Primitive>(
  versions: string,
  items: P,
  options: Nullable,
): Field<PrimitiveValue<P>[] | null>;
export function array<P extends Primitive>(
  versions: string,
  items: P,
  options?: FieldOptions,
): Field<PrimitiveValue<P>[]>;
export function array<F extends FieldMap>(
  versions: string,
  items: F,
  options: Nullable,
): Field<Infer<F>[] | null>;
export function array<F extends FieldMap>(
  versions: string,
  items: F,
  options?: FieldOptions,
): Field<Infer<F>[]>;
export function array(versions: string, items: Primitive | FieldMap, options: FieldOptions = {}) {
  return make('array', versions, options, { items });
}

export function struct<F extends FieldMap>(
  versions: string,
  fields: F,
  options: Nullable,
): Field<Infer<F> | null>;
export function struct<F extends FieldMap>(
  versions: string,
  fields: F,
  options?: FieldOptions,
): Field<Infer<F>>;
export function struct(versions: string, fields: FieldMap, options: FieldOptions = {}) {
  return make('struct', versions, options, { fields });
}
