// What predicates and filters see of a request: parsed once, lazily where parsing costs.

import type { IncomingHttpHeaders } from 'node:http';

export interface RequestView {
  readonly method: string;
  /** The raw path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The Host header without its port, lower case. */
  readonly host: string;
  /** The client's address (IPv4-mapped IPv6 addresses as plain IPv4). */
  readonly remoteAddress: string;
  /** ms since the epoch, from the gateway's clock. */
  readonly now: number;
  cookies(): ReadonlyMap<string, string>;
  /** The route chosen for a Weight group for this request. */
  weightChoice(group: string): string | undefined;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name))
      cookies.set(
        name,
        part
          .slice(eq + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      );
  }
  return cookies;
}

export const plainAddress = (address: string | undefined): string =>
  (address ?? '').startsWith('::ffff:') && (address ?? '').includes('.')
    ? (address as string).slice(7)
    : (address ?? '');

export function hostWithoutPort(host: string | undefined): string {
  const h = (host ?? '').toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}
