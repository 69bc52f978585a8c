import { join } from 'node:path';

/** Kafka names segment files by their 20-digit zero-padded base offset. */
export function segmentFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export function logFilePath(dir: string, baseOffset: number): string {
  return join(dir, `${segmentFileStem(baseOffset)}.log`);
}

export function offsetIndexPath(dir: string, baseOffset: number): string {
  return join(dir, `${segmentFileStem(baseOffset)}.index`);
}

export function timeIndexPath(dir: string, baseOffset: number): string {
  return join(dir, `${segmentFileStem(baseOffset)}.timeindex`);
}

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;

/** Parses a segment file name into its base offset and kind, or undefined for other files. */
export function parseSegmentFileName(
  name: string,
): { baseOffset: number; kind: 'log' | 'index' | 'timeindex' } | undefined {
  const match = SEGMENT_FILE.exec(name);
  if (!match) return undefined;
  const baseOffset = Number(match[1]);
  if (!Number.isSafeInteger(baseOffset)) return undefined;
  return { baseOffset, kind: match[2] as 'log' | 'index' | 'timeindex' };
}

/** Per-partition files besides the segments. */
export const CHECKPOINT_FILE = 'checkpoint.json';
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
