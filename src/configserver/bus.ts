// Spring Cloud Bus on Kafka, as `spring-cloud-starter-bus-kafka` reads and writes it: a JSON value
// with no key, and the headers Spring's binder adds. A RefreshRemoteApplicationEvent names the
// services it is for (`destinationService`) as a `:`-separated Ant path matched against each
// service's bus id (`name:profiles:port:random`); `orders` means `orders:**`, `**` means all.

import { randomBytes, randomUUID } from 'node:crypto';
import { SHARED_APPLICATION } from './names.js';

export const REFRESH_EVENT = 'RefreshRemoteApplicationEvent';
export const ACK_EVENT = 'AckRemoteApplicationEvent';

export interface RemoteEvent {
  type: string;
  destinationService: string;
  id: string;
  originService: string;
  timestamp: number;
  [other: string]: unknown;
}

/** A bus id as Spring builds one: `name:profile:port:32 hex digits`. */
export function busId(name: string, profile: string, port: number | string): string {
  return `${name}:${profile}:${port}:${randomBytes(16).toString('hex')}`;
}

/** Spring's PathDestinationFactory: a name with at most one `:` gets `:**` appended; empty is `**`. */
export function destinationFor(service: string): string {
  if (service === '' || service === '**') return '**';
  return service.split(':').length <= 2 ? `${service}:**` : service;
}

/** The destination of a change to an application: its instances, or every service for `application`. */
export function destinationOfApplication(application: string): string {
  return application === SHARED_APPLICATION ? '**' : destinationFor(application);
}

export function refreshEvent(
  originService: string,
  destinationService: string,
  now = Date.now(),
): RemoteEvent {
  // Jackson writes `type` first and the rest in this order on Spring's own server.
  return { type: REFRESH_EVENT, destinationService, id: randomUUID(), originService, timestamp: now };
}

/** The headers Spring Cloud Stream's Kafka binder puts on a bus message. */
export function busHeaders(): Map<Buffer, Buffer> {
  return new Map([
    [Buffer.from('contentType'), Buffer.from('application/json')],
    [Buffer.from('spring_json_header_types'), Buffer.from('{"contentType":"java.lang.String"}')],
  ]);
}

export function encodeEvent(event: RemoteEvent): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/** A bus message's value as an event, or undefined when it is not one. */
export function decodeEvent(value: Buffer | null): RemoteEvent | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<RemoteEvent>;
    if (typeof parsed.type !== 'string' || typeof parsed.destinationService !== 'string') return undefined;
    return parsed as RemoteEvent;
  } catch {
    return undefined;
  }
}

/** Whether a destination (Ant path over `:`) names the service with this bus id. */
export function destinationMatches(destination: string, id: string): boolean {
  return matchSegments(destination.split(':'), id.split(':'));
}

function matchSegments(pattern: string[], parts: string[]): boolean {
  if (pattern.length === 0) return parts.length === 0;
  const [head, ...rest] = pattern as [string, ...string[]];
  if (head === '**') {
    for (let i = 0; i <= parts.length; i++) if (matchSegments(rest, parts.slice(i))) return true;
    return false;
  }
  if (parts.length === 0) return false;
  return globMatch(head, parts[0] as string) && matchSegments(rest, parts.slice(1));
}

function globMatch(pattern: string, text: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${regex}$`).test(text);
}

/**
 * The services a changed file is for, as Spring's monitor guesses them: the file name without
 * its extension, then without one `-suffix` at a time (`catalog-service-local.yml` →
 * `catalog-service-local`, `catalog-service`, `catalog`); `application` means every service (`*`),
 * and other names starting with `application` are skipped.
 */
export function servicesOfPath(path: string): string[] {
  const file = path.replaceAll('\\', '/').split('/').pop() ?? '';
  const dot = file.lastIndexOf('.');
  let stem = dot > 0 ? file.slice(0, dot) : file;
  const names: string[] = [];
  while (stem.length > 0) {
    if (stem === SHARED_APPLICATION) names.push('*');
    else if (!stem.startsWith(SHARED_APPLICATION)) names.push(stem);
    const dash = stem.lastIndexOf('-');
    if (dash < 0) break;
    stem = stem.slice(0, dash);
  }
  return names;
}
