import type { ApiDefinition } from './schema/api.js';
import { int16, int32, string } from './schema/fields.js';
import { inRange } from './schema/versions.js';

export const API_VERSIONS_KEY = 18;

/** Request header fields: v1 adds the client id, v2 (flexible) adds tagged fields. */
export const RequestHeaderFields = {
  requestApiKey: int16('0+'),
  requestApiVersion: int16('0+'),
  correlationId: int32('0+'),
  // The client id keeps its classic int16-length encoding even in flexible headers.
  clientId: string('1+', { nullable: '1+', neverCompact: true }),
};

export const ResponseHeaderFields = {
  correlationId: int32('0+'),
};

export function requestHeaderVersion(api: ApiDefinition, version: number): number {
  return inRange(version, api.flexible) ? 2 : 1;
}

/** ApiVersions answers with header v0 even in flexible versions, so any client can read it. */
export function responseHeaderVersion(api: ApiDefinition, version: number): number {
  if (api.key === API_VERSIONS_KEY) return 0;
  return inRange(version, api.flexible) ? 1 : 0;
}
