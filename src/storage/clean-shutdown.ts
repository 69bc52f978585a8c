import * as fs from 'node:fs';
import { join } from 'node:path';
import { readJsonIfExists, removeFile, type StorageIo, writeFileAtomic } from './file-io.js';

/**
 * One file for the whole data directory, written last by a clean shutdown and removed first by
 * the next start (Kafka keeps a clean-shutdown marker and a recovery-point checkpoint per log
 * directory for the same reason): with it, a start trusts every listed partition as it was
 * closed and reads or writes nothing per partition beyond listing its segments; without it,
 * each partition recovers what lies after its own checkpoint's recovery point.
 */
export const CLEAN_SHUTDOWN_STATE_FILE = 'clean-shutdown.json';

/** A partition as it was closed: flushed, its active segment's indexes written. */
export interface PartitionCleanState {
  logStartOffset: number;
  /** Base offset and byte size of the active segment; a start checks both against the file. */
  activeBase: number;
  activeSize: number;
  /** The log end offset. */
  nextOffset: number;
  /** Start of the active segment's segment.ms clock, if it has one. */
  rollStartMs: number | null;
}

const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The state if `value` is a well-formed one. */
export function parseCleanState(value: unknown): PartitionCleanState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { logStartOffset, activeBase, activeSize, nextOffset, rollStartMs } = value as Record<
    string,
    unknown
  >;
  if (![logStartOffset, activeBase, activeSize, nextOffset].every(isOffset)) return undefined;
  if (rollStartMs !== null && !isOffset(rollStartMs)) return undefined;
  const entry = { logStartOffset, activeBase, activeSize, nextOffset, rollStartMs } as PartitionCleanState;
  return entry.nextOffset >= entry.activeBase ? entry : undefined;
}

/**
 * Reads the clean-shutdown state (partition directory name → state) and removes it durably, so
 * that a crash from here on leads to recovery. Missing or unreadable: an empty map.
 */
export async function takeCleanShutdownState(
  dataDir: string,
  io: StorageIo,
): Promise<Map<string, PartitionCleanState>> {
  const path = join(dataDir, CLEAN_SHUTDOWN_STATE_FILE);
  const states = new Map<string, PartitionCleanState>();
  if (!fs.existsSync(path)) return states;
  let data: unknown;
  try {
    data = await readJsonIfExists(path);
  } catch {
    data = undefined; // torn or edited: trust nothing, recover
  }
  const partitions = (data as { version?: unknown; partitions?: unknown } | undefined)?.partitions;
  if ((data as { version?: unknown } | undefined)?.version === 1 && typeof partitions === 'object') {
    for (const [dir, value] of Object.entries(partitions ?? {})) {
      const entry = parseCleanState(value);
      if (entry) states.set(dir, entry);
    }
  }
  await removeFile(path);
  await io.syncDir(dataDir);
  return states;
}

/** Writes the state of every partition that closed cleanly; the last write of a clean shutdown. */
export async function writeCleanShutdownState(
  dataDir: string,
  states: ReadonlyMap<string, PartitionCleanState>,
  io: StorageIo,
): Promise<void> {
  const body = JSON.stringify({ version: 1, partitions: Object.fromEntries(states) });
  await writeFileAtomic(join(dataDir, CLEAN_SHUTDOWN_STATE_FILE), body, io);
}
