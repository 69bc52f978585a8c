import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK = 1000;

/** Where a lost or unreadable reservation restarts: above any id a millisecond-older start could have used. */
function clockFloor(now: number): number {
  return now * BLOCK;
}

/**
 * Hands out producer ids that are never reused, even after a crash: ids are reserved in
 * blocks, and the end of the current block is made durable (file and directory entry) before
 * any id in it is given out. A restart continues after the reserved block, skipping its unused ids.
 */
export class ProducerIdAllocator {
  private next: number;
  private reservedUpTo: number;
  private readonly file: string;

  constructor(
    private readonly dataDir: string,
    now: () => number = Date.now,
  ) {
    this.file = join(dataDir, 'producer-ids.json');
    let reserved = 0;
    try {
      const text = readFileSync(this.file, 'utf8');
      const value = Number(JSON.parse(text).reservedUpTo);
      // Present but unreadable: we cannot know what was handed out, so jump past it all.
      reserved = Number.isSafeInteger(value) && value >= 0 ? value : clockFloor(now());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') reserved = clockFloor(now());
    }
    this.next = reserved;
    this.reservedUpTo = reserved;
  }

  allocate(): number {
    if (this.next >= this.reservedUpTo) this.reserve(this.next + BLOCK);
    return this.next++;
  }

  private reserve(upTo: number): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ reservedUpTo: upTo }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    // The rename itself must survive a power cut, or the old reservation would come back.
    const dir = openSync(this.dataDir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.reservedUpTo = upTo;
  }
}
