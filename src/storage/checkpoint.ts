import { join } from 'node:path';
import { readJsonIfExists, type StorageIo, writeFileAtomic } from './file-io.js';
import { CHECKPOINT_FILE } from './segment-files.js';

/**
 * What a partition must remember across restarts beyond its segments: where the log starts
 * (DeleteRecords may move it inside a segment) and up to which offset the segments are known
 * to be durable and indexed, so recovery can skip them.
 */
export interface LogCheckpoint {
  logStartOffset: number;
  recoveryPoint: number;
}

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Reads the checkpoint; a missing or unreadable one means "trust nothing". */
export async function readCheckpoint(dir: string): Promise<LogCheckpoint | undefined> {
  let data: unknown;
  try {
    data = await readJsonIfExists(join(dir, CHECKPOINT_FILE));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { logStartOffset, recoveryPoint } = data as Record<string, unknown>;
  if (!isOffset(logStartOffset) || !isOffset(recoveryPoint)) return undefined;
  return { logStartOffset, recoveryPoint };
}

export async function writeCheckpoint(dir: string, checkpoint: LogCheckpoint, io: StorageIo): Promise<void> {
  const body = JSON.stringify({ version: 1, ...checkpoint });
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), body, io);
}
