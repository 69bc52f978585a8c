/** A key path as segments: property names, and list indexes as numbers. */
export type KeyPath = readonly (string | number)[];

/** `broker.retentionMs`, `alerts.webhooks[0].url`. */
export function formatKey(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** Segments of an ajv instancePath (a JSON Pointer: `/alerts/webhooks/0/url`). */
export function pointerPath(pointer: string, data: unknown): KeyPath {
  const path: (string | number)[] = [];
  let at = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(at) && /^\d+$/.test(segment) ? Number(segment) : undefined;
    path.push(index ?? segment);
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}
