/** An inclusive range of protocol versions, parsed from the forms "3", "3+", "3-7" and "none". */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

const OPEN_END = 0x7fff;
export const NO_VERSIONS: VersionRange = Object.freeze({ min: 1, max: 0 });

export function parseRange(text: string): VersionRange {
  if (text === 'none') return NO_VERSIONS;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: OPEN_END };
  const span = /^(\d+)-(\d+)$/.exec(text);
  if (span) return { min: Number(span[1]), max: Number(span[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`bad version range "${text}": expected "N", "N+", "N-M" or "none"`);
}

export function inRange(version: number, range: VersionRange): boolean {
  return version >= range.min && version <= range.max;
}

export function formatRange(range: VersionRange): string {
  if (range.min > range.max) return 'none';
  if (range.max === OPEN_END) return `${range.min}+`;
  return range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`;
}
