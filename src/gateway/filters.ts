// Spring Cloud Gateway's filters. A filter may change the request on its way upstream (path, query, headers), the response
// headers on their way back, and bound the request body (RequestSize). `{name}` in values is a
// capture of the route's Path or Host pattern, as Spring's URI variables. The resilience filters
// (Retry, CircuitBreaker, RequestRateLimiter) are built in resilience-filters.ts and applied by the proxy.

import { type ArgSpec, type ArgValue, list, required, text } from './definition-args.js';
import type { Captures } from './predicates.js';
import { compileRegex } from './predicates.js';
import {
  BREAKER_FIELDS,
  type BreakerFilter,
  makeBreaker,
  makeRateLimiter,
  makeRetry,
  RATE_LIMIT_FIELDS,
  type RateLimitFilter,
  RETRY_FIELDS,
  type RetryFilter,
} from './resilience-filters.js';
import { ArgError } from './route-error.js';

/** Headers with lower-case names; several values as a list. */
export type HeaderBag = Record<string, string | string[]>;

/** The request as it will be sent upstream. */
export interface OutgoingRequest {
  path: string;
  /** The raw query, without '?' ('' for none). */
  query: string;
  headers: HeaderBag;
}

export interface Filter {
  readonly name: string;
  request?(out: OutgoingRequest, captures: Captures): void;
  response?(headers: HeaderBag, captures: Captures): void;
  /** RequestSize: the largest body accepted, in bytes. */
  readonly maxBodyBytes?: number;
  readonly retry?: RetryFilter;
  readonly breaker?: BreakerFilter;
  readonly rateLimit?: RateLimitFilter;
}

interface FilterFactory {
  readonly spec: ArgSpec;
  make(args: Readonly<Record<string, ArgValue>>, routeId?: string): Omit<Filter, 'name'>;
}

/** Filters Spring has that Sluice's gateway refuses for now, and why (none at the moment). */
export const NOT_YET: Readonly<Record<string, string>> = {};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function headerName(args: Readonly<Record<string, ArgValue>>): string {
  const name = required(args, 'name');
  if (!TOKEN.test(name)) throw new ArgError(`'${name}' is not a valid header name`);
  return name.toLowerCase();
}

function headerValue(args: Readonly<Record<string, ArgValue>>): string {
  const value = text(args, 'value') ?? '';
  if (/[\r\n\0]/.test(value)) throw new ArgError('a header value may not hold CR, LF or NUL');
  return value;
}

/** `{name}` replaced by the capture `name`; unknown names stay as written. */
export function expand(template: string, captures: Captures): string {
  if (!template.includes('{')) return template;
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => captures[name] ?? whole);
}

function addHeader(bag: HeaderBag, name: string, value: string): void {
  const have = bag[name];
  bag[name] = have === undefined ? value : [...(Array.isArray(have) ? have : [have]), value];
}

const headerFilters = (side: 'request' | 'response'): Record<string, FilterFactory> => {
  const prefix = side === 'request' ? 'Request' : 'Response';
  const act = (fn: (bag: HeaderBag, captures: Captures) => void) =>
    side === 'request'
      ? { request: (out: OutgoingRequest, captures: Captures) => fn(out.headers, captures) }
      : { response: fn };
  return {
    [`Add${prefix}Header`]: {
      spec: { fields: ['name', 'value'] },
      make(args) {
        const name = headerName(args);
        const value = headerValue(args);
        return act((bag, captures) => addHeader(bag, name, expand(value, captures)));
      },
    },
    [`Set${prefix}Header`]: {
      spec: { fields: ['name', 'value'] },
      make(args) {
        const name = headerName(args);
        const value = headerValue(args);
        return act((bag, captures) => {
          bag[name] = expand(value, captures);
        });
      },
    },
    [`Remove${prefix}Header`]: {
      spec: { fields: ['name'] },
      make(args) {
        const name = headerName(args);
        return act((bag) => {
          delete bag[name];
        });
      },
    },
  };
};

/** Spring's DataSize: bytes, or a number with B, KB, MB, GB, TB (powers of 1024). */
export function parseDataSize(value: string): number {
  const m = /^(\d+)\s*(B|KB|MB|GB|TB)?$/i.exec(value.trim());
  if (!m) throw new ArgError(`'${value}' is not a size (like 5MB or 5000000)`);
  const unit = (m[2] ?? 'B').toUpperCase();
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(unit);
}

/** Spring's SecureHeaders defaults. */
export const SECURE_HEADERS: Readonly<Record<string, string>> = {
  'x-xss-protection': '1 ; mode=block',
  'strict-transport-security': 'max-age=631138519',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self' https:; font-src 'self' https: data:; img-src 'self' https: data:; object-src 'none'; script-src https:; style-src 'self' https: 'unsafe-inline'",
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
};

export const FILTERS: Readonly<Record<string, FilterFactory>> = {
  StripPrefix: {
    spec: { fields: ['parts'] },
    make(args) {
      const partsText = text(args, 'parts') ?? '1';
      if (!/^\d+$/.test(partsText))
        throw new ArgError(`argument 'parts' must be an integer >= 0, got '${partsText}'`);
      const parts = Number(partsText);
      return {
        request(out) {
          const segments = out.path.split('/').filter((s) => s !== '');
          const kept = segments.slice(parts);
          const slash = out.path.endsWith('/') && kept.length > 0 ? '/' : '';
          out.path = `/${kept.join('/')}${slash}`;
        },
      };
    },
  },
  PrefixPath: {
    spec: { fields: ['prefix'] },
    make(args) {
      const prefix = required(args, 'prefix');
      if (!prefix.startsWith('/'))
        throw new ArgError(`argument 'prefix' must start with '/', got '${prefix}'`);
      return {
        request(out) {
          out.path = `${prefix.replace(/\/$/, '')}${out.path}`;
        },
      };
    },
  },
  RewritePath: {
    spec: { fields: ['regexp', 'replacement'] },
    make(args) {
      // Java's (?<name>...) is RE2's (?P<name>...); Spring's YAML writes $\{name} for ${name}.
      const re = compileRegex(required(args, 'regexp').replace(/\(\?<(?=[A-Za-z])/g, '(?P<'));
      const replacement = (text(args, 'replacement') ?? '').replace(/\$\\/g, '$');
      const groups = re.namedGroups();
      for (const m of replacement.matchAll(/\$\{([^}]*)\}/g))
        if (!((m[1] as string) in groups))
          throw new ArgError(`the replacement names group '${m[1]}', which the regexp does not have`);
      return {
        request(out) {
          out.path = re.matcher(out.path).replaceAll(replacement, true);
        },
      };
    },
  },
  SetPath: {
    spec: { fields: ['template'] },
    make(args) {
      const template = required(args, 'template');
      if (!template.startsWith('/'))
        throw new ArgError(`argument 'template' must start with '/', got '${template}'`);
      return {
        request(out, captures) {
          out.path = expand(template, captures);
        },
      };
    },
  },
  ...headerFilters('request'),
  ...headerFilters('response'),
  RequestSize: {
    spec: { fields: ['maxSize'] },
    make(args) {
      return { maxBodyBytes: parseDataSize(text(args, 'maxSize') ?? '5MB') };
    },
  },
  Retry: { spec: { fields: RETRY_FIELDS }, make: (args) => ({ retry: makeRetry(args) }) },
  CircuitBreaker: {
    spec: { fields: BREAKER_FIELDS },
    make: (args, routeId) => ({ breaker: makeBreaker(args, routeId) }),
  },
  RequestRateLimiter: {
    spec: { fields: RATE_LIMIT_FIELDS },
    make: (args) => ({ rateLimit: makeRateLimiter(args) }),
  },
  SecureHeaders: {
    spec: { fields: ['disable'], gather: true },
    make(args) {
      const disabled = new Set(list(args, 'disable').map((h) => h.toLowerCase()));
      for (const name of disabled)
        if (!(name in SECURE_HEADERS))
          throw new ArgError(
            `'${name}' is not one of SecureHeaders' headers (${Object.keys(SECURE_HEADERS).join(', ')})`,
          );
      const headers = Object.entries(SECURE_HEADERS).filter(([name]) => !disabled.has(name));
      return {
        response(bag) {
          for (const [name, value] of headers) if (bag[name] === undefined) bag[name] = value;
        },
      };
    },
  },
};
