// Compatibility levels and their direction rules, as Confluent defines them. BACKWARD: the new
// schema reads data written with the previous one (all previous ones for _TRANSITIVE); FORWARD:
// the previous schema(s) read data written with the new one; FULL: both; NONE: no check.

import { invalidCompatibility } from './errors.js';
import type { ParsedSchema } from './formats/index.js';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export function parseCompatibility(given: unknown): CompatibilityLevel {
  const upper = typeof given === 'string' ? given.toUpperCase() : '';
  if ((COMPATIBILITY_LEVELS as readonly string[]).includes(upper)) return upper as CompatibilityLevel;
  throw invalidCompatibility(given);
}

export const isTransitive = (level: CompatibilityLevel) => level.endsWith('_TRANSITIVE');

export interface PreviousVersion {
  version: number;
  parsed: ParsedSchema;
}

/**
 * Why `candidate` may not follow `previous` (newest first; only the newest unless the level is
 * transitive) at `level`: messages in Confluent's verbose shape, empty when compatible.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  previous: readonly PreviousVersion[],
): string[] {
  if (level === 'NONE') return [];
  const checked = isTransitive(level) ? previous : previous.slice(0, 1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  for (const old of checked) {
    const problems: string[] = [];
    if (backward)
      problems.push(
        ...candidate.readProblems(old.parsed).map((p) => `${p} (the new schema reading old data)`),
      );
    if (forward)
      problems.push(
        ...old.parsed.readProblems(candidate).map((p) => `${p} (the old schema reading new data)`),
      );
    if (problems.length > 0) {
      return [
        ...problems.map((p) => `{errorType:'${p.split(':')[0]}', description:'${p}'}`),
        `{oldSchemaVersion: ${old.version}}`,
        `{oldSchema: '${old.parsed.text}'}`,
        `{compatibility: '${level}'}`,
      ];
    }
  }
  return [];
}
