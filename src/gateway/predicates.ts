// Spring Cloud Gateway's route predicates. Each factory checks its arguments once, at load, and
// returns a test over a request. User regexes run on RE2 (re2js): linear time, so a pattern in a
// route cannot be made to backtrack for seconds by a crafted header. Regex predicates match the
// whole value, as Spring's String.matches does.

import { BlockList, isIP } from 'node:net';
import { RE2JS } from 're2js';
import { type ArgSpec, type ArgValue, list, required, text } from './definition-args.js';
import { compileHostPattern, compilePathPattern } from './path-pattern.js';
import type { RequestView } from './request-view.js';
import { ArgError } from './route-error.js';

/** Captures of Path and Host patterns, for filters that expand `{name}`. */
export type Captures = Record<string, string>;
export type Predicate = (request: RequestView, captures: Captures) => boolean;

export interface PredicateContext {
  readonly routeId: string;
  /** Weight: this route takes part in `group` with `weight`. */
  addWeight(group: string, weight: number): void;
}

interface PredicateFactory {
  readonly spec: ArgSpec;
  make(args: Readonly<Record<string, ArgValue>>, context: PredicateContext): Predicate;
}

export function compileRegex(source: string): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (error) {
    throw new ArgError(`invalid regular expression '${source}': ${(error as Error).message}`);
  }
}

const fullMatch = (re: RE2JS | undefined, value: string) => re === undefined || re.matcher(value).matches();

function optionalRegex(args: Readonly<Record<string, ArgValue>>, key: string): RE2JS | undefined {
  const source = text(args, key);
  return source === undefined || source === '' ? undefined : compileRegex(source);
}

/** Spring writes ZonedDateTime (`2017-01-20T17:42:47.789-07:00[America/Denver]`); epoch ms also go. */
export function parseDateTime(value: string, key: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value.replace(/\[[^\]]*\]$/, ''));
  if (Number.isNaN(ms))
    throw new ArgError(
      `argument '${key}' must be a date-time like 2017-01-20T17:42:47.789-07:00, got '${value}'`,
    );
  return ms;
}

function addressList(sources: string[]): BlockList {
  const blocks = new BlockList();
  for (const source of sources) {
    const [address = '', prefixText] = source.split('/');
    const family = isIP(address);
    if (family === 0) throw new ArgError(`'${source}' is not an IP address or CIDR block`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) {
      blocks.addAddress(address, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128))
      throw new ArgError(`'${source}' has an invalid prefix length`);
    blocks.addSubnet(address, prefix, type);
  }
  return blocks;
}

export const PREDICATES: Readonly<Record<string, PredicateFactory>> = {
  Path: {
    spec: { fields: ['patterns', 'matchTrailingSlash'], gather: true },
    make(args) {
      const trailing = text(args, 'matchTrailingSlash') === 'true';
      const patterns = list(args, 'patterns').map((p) => compilePathPattern(p, trailing));
      if (patterns.length === 0) throw new ArgError("argument 'patterns' is required");
      return (request, captures) => {
        for (const pattern of patterns) {
          const found = pattern.match(request.path);
          if (found) {
            Object.assign(captures, found);
            return true;
          }
        }
        return false;
      };
    },
  },
  Host: {
    spec: { fields: ['patterns'], gather: true },
    make(args) {
      const patterns = list(args, 'patterns').map(compileHostPattern);
      if (patterns.length === 0) throw new ArgError("argument 'patterns' is required");
      return (request, captures) => {
        for (const pattern of patterns) {
          const found = pattern.match(request.host);
          if (found) {
            Object.assign(captures, found);
            return true;
          }
        }
        return false;
      };
    },
  },
  Method: {
    spec: { fields: ['methods'], gather: true },
    make(args) {
      const methods = new Set(list(args, 'methods').map((m) => m.toUpperCase()));
      if (methods.size === 0) throw new ArgError("argument 'methods' is required");
      return (request) => methods.has(request.method);
    },
  },
  Header: {
    spec: { fields: ['header', 'regexp'] },
    make(args) {
      const name = required(args, 'header').toLowerCase();
      const re = optionalRegex(args, 'regexp');
      return (request) => {
        const value = request.headers[name];
        if (value === undefined) return false;
        return (Array.isArray(value) ? value : [value]).some((v) => fullMatch(re, v));
      };
    },
  },
  Query: {
    spec: { fields: ['param', 'regexp'] },
    make(args) {
      const param = required(args, 'param');
      const re = optionalRegex(args, 'regexp');
      return (request) => request.query.getAll(param).some((v) => fullMatch(re, v));
    },
  },
  Cookie: {
    spec: { fields: ['name', 'regexp'] },
    make(args) {
      const name = required(args, 'name');
      const re = optionalRegex(args, 'regexp');
      return (request) => {
        const value = request.cookies().get(name);
        return value !== undefined && fullMatch(re, value);
      };
    },
  },
  RemoteAddr: {
    spec: { fields: ['sources'], gather: true },
    make(args) {
      const sources = list(args, 'sources');
      if (sources.length === 0) throw new ArgError("argument 'sources' is required");
      const blocks = addressList(sources);
      return (request) => {
        const family = isIP(request.remoteAddress);
        return family !== 0 && blocks.check(request.remoteAddress, family === 4 ? 'ipv4' : 'ipv6');
      };
    },
  },
  After: {
    spec: { fields: ['datetime'] },
    make(args) {
      const at = parseDateTime(required(args, 'datetime'), 'datetime');
      return (request) => request.now > at;
    },
  },
  Before: {
    spec: { fields: ['datetime'] },
    make(args) {
      const at = parseDateTime(required(args, 'datetime'), 'datetime');
      return (request) => request.now < at;
    },
  },
  Between: {
    spec: { fields: ['datetime1', 'datetime2'] },
    make(args) {
      const from = parseDateTime(required(args, 'datetime1'), 'datetime1');
      const to = parseDateTime(required(args, 'datetime2'), 'datetime2');
      if (to <= from) throw new ArgError("argument 'datetime2' must be after 'datetime1'");
      return (request) => request.now > from && request.now < to;
    },
  },
  Weight: {
    spec: { fields: ['group', 'weight'] },
    make(args, context) {
      const group = required(args, 'group');
      const weightText = required(args, 'weight');
      const weight = Number(weightText);
      if (!/^\d+$/.test(weightText) || weight <= 0)
        throw new ArgError(`argument 'weight' must be a positive integer, got '${weightText}'`);
      context.addWeight(group, weight);
      return (request) => request.weightChoice(group) === context.routeId;
    },
  },
};
