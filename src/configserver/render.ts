// The environment as one document, as Spring's `/{app}-{profiles}.yml|.json|.properties` render
// it: the property sources merged (a more specific source wins; a list is replaced whole, not
// merged by index), keys sorted, `spring.profiles` dropped, `${...}` placeholders resolved, and
// for YAML and JSON the dotted keys nested into maps and `[n]` into lists.

import { stringify } from 'yaml';
import { SluiceError } from '../errors/index.js';
import type { EnvironmentBody } from './environment.js';

export type DocumentFormat = 'yml' | 'yaml' | 'properties' | 'json';

export function flatten(environment: EnvironmentBody, resolve = true): Map<string, string> {
  const combined = new Map<string, string>();
  const lists = new Map<string, Map<string, string>>();
  for (const { source } of [...environment.propertySources].reverse()) {
    for (const [key, value] of Object.entries(source)) {
      const bracket = key.indexOf('[');
      if (bracket < 0) {
        combined.set(key, value);
        continue;
      }
      // A list from a more specific source replaces the whole list of a less specific one.
      const base = key.slice(0, bracket);
      const items = new Map<string, string>();
      for (const [k, v] of Object.entries(source)) if (k.startsWith(`${base}[`)) items.set(k, v);
      lists.set(base, items);
    }
  }
  for (const items of lists.values()) for (const [k, v] of items) combined.set(k, v);
  combined.delete('spring.profiles');
  const sorted = new Map([...combined].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (resolve) for (const [k, v] of sorted) sorted.set(k, resolvePlaceholders(v, sorted));
  return sorted;
}

const PLACEHOLDER = /\$\{([^}:]+)(?::([^}]*))?\}/g;

/** `${name}` and `${name:default}` from the same properties, a few levels deep; unknown ones stay. */
function resolvePlaceholders(value: string, props: Map<string, string>, depth = 0): string {
  if (depth > 8 || !value.includes('${')) return value;
  const next = value.replace(PLACEHOLDER, (whole, name: string, fallback: string | undefined) => {
    const found = props.get(name.trim());
    if (found !== undefined) return found;
    return fallback ?? whole;
  });
  return next === value ? value : resolvePlaceholders(next, props, depth + 1);
}

type Node = Map<string, unknown> | unknown[];

/** Dotted keys and `[n]` indexes to nested maps and lists, as Spring's PropertyNavigator does. */
export function nest(flat: Map<string, string>): Record<string, unknown> {
  const root = new Map<string, unknown>();
  for (const [key, value] of flat) {
    const path = parsePath(key);
    let node: Node = root;
    for (let i = 0; i < path.length; i++) {
      const step = path[i] as string | number;
      const last = i === path.length - 1;
      const nextIsIndex = !last && typeof path[i + 1] === 'number';
      const existing = get(node, step);
      if (last) {
        set(node, step, value);
      } else if (existing instanceof Map || Array.isArray(existing)) {
        node = existing;
      } else {
        const child: Node = nextIsIndex ? [] : new Map<string, unknown>();
        set(node, step, child);
        node = child;
      }
    }
  }
  return plain(root) as Record<string, unknown>;
}

function parsePath(key: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of key.split('.')) {
    const match = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new SluiceError('INVALID_ARGUMENT', `invalid key: ${key}`);
    path.push(match[1] as string);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}

function get(node: Node, step: string | number): unknown {
  return node instanceof Map ? node.get(String(step)) : node[Number(step)];
}

function set(node: Node, step: string | number, value: unknown): void {
  if (node instanceof Map) node.set(String(step), value);
  else {
    while (node.length <= Number(step)) node.push(null);
    node[Number(step)] = value;
  }
}

function plain(node: unknown): unknown {
  if (node instanceof Map) return Object.fromEntries([...node].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(node)) return node.map(plain);
  return node;
}

/** `resolve` false is Spring's `?resolvePlaceholders=false`: `${...}` left as written. */
export function renderDocument(environment: EnvironmentBody, format: DocumentFormat, resolve = true): string {
  const flat = flatten(environment, resolve);
  if (format === 'properties') return [...flat].map(([k, v]) => `${k}: ${v}`).join('\n');
  const nested = nest(flat);
  if (format === 'json') return JSON.stringify(nested);
  return Object.keys(nested).length === 0 ? '{}\n' : stringify(nested);
}
