// Where a direct or topic exchange reads its routing key: the record key (UTF-8), a header's last
// value, or a field of the value (strings as they are; numbers and booleans as text). A message
// without one (no key, no such header or field, an object there) matches no binding.

import { getField, parseFieldPath } from '../field-path.js';
import type { PipelineMessage } from '../message.js';

export type RoutingKeySource = 'key' | { readonly header: string } | { readonly field: string };

export type RoutingKeyReader = (message: PipelineMessage) => { key: string | undefined } | { error: string };

export function routingKeyReader(source: RoutingKeySource): RoutingKeyReader {
  if (source === 'key') return (m) => ({ key: m.key === null ? undefined : m.key.toString('utf8') });
  if ('header' in source) return (m) => ({ key: m.header(source.header)?.toString('utf8') });
  const path = parseFieldPath(source.field);
  return (message) => {
    const json = message.json();
    if (!json.ok) return { error: `routing key from field '${source.field}': ${json.reason}` };
    const value = getField(json.value, path);
    if (typeof value === 'string') return { key: value };
    if (typeof value === 'number' || typeof value === 'boolean') return { key: String(value) };
    return { key: undefined };
  };
}
