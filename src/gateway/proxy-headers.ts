// Headers a proxy owns: hop-by-hop ones dropped both ways (RFC 9110 7.6.1, and whatever the
// Connection header names), X-Forwarded-* and Forwarded (RFC 7239) appended, W3C traceparent
// forwarded or started, and X-Request-Id kept or made.

import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderBag } from './filters.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // The gateway answers Expect itself (Node sends 100 Continue); undici refuses to send it.
  'expect',
]);

/** A copy without hop-by-hop headers, nor those the Connection header names. */
export function endToEnd(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): HeaderBag {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ''),
  );
  const out: HeaderBag = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ClientFacts {
  remoteAddress: string;
  /** The Host header as the client sent it. */
  host: string | undefined;
  proto: 'http' | 'https';
  /** The gateway's own port. */
  port: number;
}

function append(bag: HeaderBag, name: string, value: string): void {
  const have = bag[name];
  bag[name] = have === undefined ? value : `${Array.isArray(have) ? have.join(', ') : have}, ${value}`;
}

/** Forwarded's node: IPv6 addresses quoted and bracketed. */
const node = (address: string) => (address.includes(':') ? `"[${address}]"` : address);

export function addForwarded(bag: HeaderBag, client: ClientFacts): void {
  append(bag, 'x-forwarded-for', client.remoteAddress);
  append(bag, 'x-forwarded-proto', client.proto);
  if (client.host !== undefined) append(bag, 'x-forwarded-host', client.host);
  append(bag, 'x-forwarded-port', String(client.port));
  const parts = [`for=${node(client.remoteAddress)}`, `proto=${client.proto}`];
  if (client.host !== undefined)
    parts.push(`host=${client.host.includes(':') ? `"${client.host}"` : client.host}`);
  append(bag, 'forwarded', parts.join(';'));
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id and the traceparent to send upstream: the client's when valid, else a new trace. */
export function traceparentOf(header: string | string[] | undefined): {
  traceId: string;
  traceparent: string;
} {
  const value = Array.isArray(header) ? header[0] : header;
  const m = TRACEPARENT.exec(value?.trim() ?? '');
  if (m && m[1] !== 'ff' && !/^0+$/.test(m[2] as string) && !/^0+$/.test(m[3] as string))
    return { traceId: m[2] as string, traceparent: (value as string).trim() };
  const ids = randomBytes(24).toString('hex');
  const traceId = ids.slice(0, 32);
  return { traceId, traceparent: `00-${traceId}-${ids.slice(32)}-01` };
}

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** The client's X-Request-Id when it is sane (printable, at most 200 characters), else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}
