// The records of the two topics. The values topic (compacted) is keyed by the JSON array
// [application, profile, label, key], so compaction keeps one record per property and a
// tombstone removes it; its value says who set it and when. The history topic (never compacted)
// holds one record per change, with the version the change got: the offset of its record in the
// values topic, unique and increasing across every property and every server sharing the topic.

export interface PropertyAddress {
  application: string;
  profile: string;
  label: string;
  key: string;
}

/** What the values topic holds for a property. `value` is as stored: `{cipher}…` for a secret. */
export interface StoredValue {
  value: string;
  author: string;
  /** ms since the epoch */
  time: number;
}

export interface Change extends PropertyAddress {
  operation: 'set' | 'rm';
  /** As stored (a secret stays encrypted); absent for rm. */
  value?: string;
  version: number;
  author: string;
  time: number;
}

export function encodeAddress(a: PropertyAddress): Buffer {
  return Buffer.from(JSON.stringify([a.application, a.profile, a.label, a.key]));
}

export function decodeAddress(key: Buffer | null): PropertyAddress | undefined {
  if (key === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(key.toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((p) => typeof p === 'string')) {
      return undefined;
    }
    const [application, profile, label, k] = parsed as string[];
    return { application, profile, label, key: k } as PropertyAddress;
  } catch {
    return undefined;
  }
}

export function encodeValue(v: StoredValue): Buffer {
  return Buffer.from(JSON.stringify({ value: v.value, author: v.author, time: v.time }));
}

export function decodeValue(value: Buffer | null): StoredValue | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<StoredValue>;
    if (typeof parsed.value !== 'string') return undefined;
    return {
      value: parsed.value,
      author: typeof parsed.author === 'string' ? parsed.author : '',
      time: typeof parsed.time === 'number' ? parsed.time : 0,
    };
  } catch {
    return undefined;
  }
}

export function encodeChange(c: Change): Buffer {
  return Buffer.from(JSON.stringify(c));
}

export function decodeChange(value: Buffer | null): Change | undefined {
  if (value === null) return undefined;
  try {
    const c = JSON.parse(value.toString('utf8')) as Change;
    const strings = [c.application, c.profile, c.label, c.key, c.author];
    if (!strings.every((s) => typeof s === 'string') || typeof c.version !== 'number') return undefined;
    if (c.operation !== 'set' && c.operation !== 'rm') return undefined;
    return c;
  } catch {
    return undefined;
  }
}
