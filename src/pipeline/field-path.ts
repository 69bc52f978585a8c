// Dotted field paths (`order.customer.id`) into a JSON value, as Connect's nested field syntax
// writes them. Reading never throws; writing copies the objects on the way (messages are immutable).

export type FieldPath = readonly string[];

export function parseFieldPath(text: string): FieldPath {
  return text.split('.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at the path, or undefined where a part of it is missing or not an object. */
export function getField(root: unknown, path: FieldPath): unknown {
  let at = root;
  for (const name of path) {
    if (!isObject(at) || !Object.hasOwn(at, name)) return undefined;
    at = at[name];
  }
  return at;
}

/** A copy of root with the value set at the path, objects created on the way; root must be an object. */
export function setField(
  root: Record<string, unknown>,
  path: FieldPath,
  value: unknown,
): Record<string, unknown> {
  const [first, ...rest] = path;
  if (rest.length === 0) return { ...root, [first]: value };
  const child = isObject(root[first]) ? root[first] : {};
  return { ...root, [first]: setField(child, rest, value) };
}

/** A copy of root without the field at the path; root itself when the field is not there. */
export function deleteField(root: Record<string, unknown>, path: FieldPath): Record<string, unknown> {
  const [first, ...rest] = path;
  if (!Object.hasOwn(root, first)) return root;
  if (rest.length === 0) {
    const { [first]: _dropped, ...others } = root;
    return others;
  }
  const child = root[first];
  if (!isObject(child)) return root;
  const updated = deleteField(child, rest);
  return updated === child ? root : { ...root, [first]: updated };
}

export { isObject };
