import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ProducerEntry, RecentBatch } from './sequence-check.js';

/** Lives in the partition's directory, so it goes away with the partition. */
export const SNAPSHOT_FILE = 'producer-state.snapshot';

/**
 * Producer state of one partition as of `offset`: it reflects every batch below `offset` and
 * none at or above it. Written only for offsets already flushed, so a crash can never leave a
 * snapshot that remembers batches the log lost.
 */
export interface ProducerSnapshot {
  topicId: string;
  offset: number;
  producers: Map<number, ProducerEntry>;
}

type Row = [number, number, number, [number, number, number, number][]];

export function encodeSnapshot(
  topicId: string,
  offset: number,
  producers: Map<number, ProducerEntry>,
): string {
  const rows: Row[] = [];
  for (const [pid, e] of producers) {
    rows.push([
      pid,
      e.epoch,
      e.lastTimestamp,
      e.recent.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset, b.lastOffset]),
    ]);
  }
  return JSON.stringify({ version: 1, topicId, offset, producers: rows });
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Parses a snapshot; anything malformed (torn by a power cut, edited) is undefined: rebuild from the log. */
export function decodeSnapshot(text: string): ProducerSnapshot | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { version, topicId, offset, producers } = data as Record<string, unknown>;
  if (version !== 1 || typeof topicId !== 'string' || !isInt(offset) || offset < 0) return undefined;
  if (!Array.isArray(producers)) return undefined;
  const map = new Map<number, ProducerEntry>();
  for (const row of producers) {
    if (!Array.isArray(row) || row.length !== 4) return undefined;
    const [pid, epoch, lastTimestamp, batches] = row;
    if (!isInt(pid) || !isInt(epoch) || !isInt(lastTimestamp) || !Array.isArray(batches)) return undefined;
    const recent: RecentBatch[] = [];
    for (const b of batches) {
      if (!Array.isArray(b) || b.length !== 4 || !b.every(isInt)) return undefined;
      recent.push({ firstSeq: b[0], lastSeq: b[1], baseOffset: b[2], lastOffset: b[3] });
    }
    map.set(pid, { epoch, recent, lastTimestamp });
  }
  return { topicId, offset, producers: map };
}

export async function readSnapshot(dir: string): Promise<ProducerSnapshot | undefined> {
  try {
    return decodeSnapshot(await fs.promises.readFile(join(dir, SNAPSHOT_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Replaces the snapshot atomically. No fsync: a kill -9 keeps the page cache, and after a
 * power cut a torn or missing file only means a longer scan (an older whole file is still true).
 * The temp name is unique, so concurrent writers never share it.
 */
export async function writeSnapshot(dir: string, body: string): Promise<void> {
  const tmp = join(dir, `${SNAPSHOT_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.promises.writeFile(tmp, body);
    await fs.promises.rename(tmp, join(dir, SNAPSHOT_FILE));
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
