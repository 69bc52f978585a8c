import type { FieldMap, Infer } from './fields.js';
import { parseRange, type VersionRange } from './versions.js';

/** One Kafka API: its key, the versions we serve, and the request and response fields. */
export interface ApiDefinition<Req extends FieldMap = FieldMap, Res extends FieldMap = FieldMap> {
  readonly key: number;
  readonly name: string;
  readonly versions: VersionRange;
  readonly flexible: VersionRange;
  readonly request: Req;
  readonly response: Res;
}

export interface ApiSpec<Req extends FieldMap, Res extends FieldMap> {
  key: number;
  /** Kafka's name without the Request/Response suffix, e.g. "Metadata". */
  name: string;
  /** The versions Sluice serves, e.g. "0-12". May be narrower than Kafka's. */
  versions: string;
  /** Where flexible (compact, tagged) encoding starts, e.g. "9+", or "none". */
  flexible: string;
  request: Req;
  response: Res;
}

export function defineApi<Req extends FieldMap, Res extends FieldMap>(
  spec: ApiSpec<Req, Res>,
): ApiDefinition<Req, Res> {
  return {
    key: spec.key,
    name: spec.name,
    versions: parseRange(spec.versions),
    flexible: parseRange(spec.flexible),
    request: spec.request,
    response: spec.response,
  };
}

export type RequestOf<A> = A extends ApiDefinition<infer Req, FieldMap> ? Infer<Req> : never;
export type ResponseOf<A> = A extends ApiDefinition<FieldMap, infer Res> ? Infer<Res> : never;

/** What an encoder accepts: any field may be left out and takes its default. */
export type Partially<T> = T extends Buffer
  ? T | Buffer[]
  : T extends (infer E)[]
    ? Partially<E>[]
    : T extends object
      ? { [K in keyof T]?: Partially<T[K]> }
      : T;

export type ResponseInput<A> = Partially<ResponseOf<A>>;
