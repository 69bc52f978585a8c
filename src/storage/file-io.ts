import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { freshBuffers, type ReadBuffers } from './read-buffers.js';
import { ioError, StorageError } from './storage-error.js';

/**
 * The durability calls, injectable so tests can count or fail them. Everything else goes to
 * node:fs directly.
 */
export interface StorageIo {
  /** fdatasync(2) on an open file. */
  datasync(fd: number): Promise<void>;
  /** fsync(2) on a directory, making entries created, renamed or removed in it durable. */
  syncDir(path: string): Promise<void>;
}

export const defaultIo: StorageIo = {
  datasync: (fd) =>
    new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  syncDir: async (path) => {
    const handle = await fs.promises.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

export function syncDirSync(path: string): void {
  const fd = fs.openSync(path, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Positional read of exactly `length` bytes; a short file means someone cut it under us. */
export async function readAt(
  fd: number,
  position: number,
  length: number,
  buffers: ReadBuffers = freshBuffers,
): Promise<Buffer> {
  const buf = buffers.take(length);
  let done = 0;
  while (done < length) {
    const n = await new Promise<number>((resolve, reject) =>
      fs.read(fd, buf, done, length - done, position + done, (err, bytes) =>
        err ? reject(err) : resolve(bytes),
      ),
    );
    if (n === 0)
      throw new StorageError('CORRUPT', `file ended at ${position + done}, expected ${position + length}`);
    done += n;
  }
  return buf;
}

/** Synchronous positional write of the whole buffer (pwrite may write less than asked). */
export function writeAllSync(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Per target path, the write in progress: writes of one file run one after another. */
const writesInFlight = new Map<string, Promise<void>>();

/**
 * Replaces `path` atomically and durably: write a temp file, fsync it, rename over the target,
 * fsync the directory. A crash leaves either the old or the new content, never a mix.
 * Concurrent calls for the same path run in call order (the last call's data wins), and each
 * uses its own temp name, so no writer can rename another's half-written file away.
 */
export function writeFileAtomic(
  path: string,
  data: string | Buffer,
  io: StorageIo = defaultIo,
): Promise<void> {
  const previous = writesInFlight.get(path) ?? Promise.resolve();
  const run = previous.then(() => replaceFile(path, data, io));
  const settled = run.catch(() => {});
  writesInFlight.set(path, settled);
  void settled.then(() => {
    if (writesInFlight.get(path) === settled) writesInFlight.delete(path);
  });
  return run;
}

async function replaceFile(path: string, data: string | Buffer, io: StorageIo): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await fs.promises.open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, path);
    await io.syncDir(dirname(path));
  } catch (err) {
    await fs.promises.unlink(tmp).catch(() => {});
    throw ioError(`cannot write ${path}`, err);
  }
}

/** Reads a JSON file, or undefined if it does not exist. */
export async function readJsonIfExists(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.promises.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(`cannot read ${path}`, err);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StorageError('CORRUPT', `${path} is not valid JSON`, { cause: err });
  }
}

/** Creates a directory (and parents); makes each new entry durable in its parent. */
export async function ensureDir(path: string, io: StorageIo = defaultIo): Promise<void> {
  try {
    const created = await fs.promises.mkdir(path, { recursive: true });
    if (created === undefined) return;
    // mkdir returns the topmost directory it made; every level from there down is new.
    for (let dir = path; ; dir = dirname(dir)) {
      await io.syncDir(dirname(dir));
      if (dir === created || dirname(dir) === dir) break;
    }
  } catch (err) {
    throw ioError(`cannot create ${path}`, err);
  }
}

/** unlink that tolerates a file already gone. */
export async function removeFile(path: string): Promise<void> {
  try {
    await fs.promises.unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`cannot remove ${path}`, err);
  }
}
