import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK = 1000;

/**
 * Hands out producer ids that are never reused, even after a crash: ids are reserved in
 * blocks, and the end of the current block is made durable before any id in it is given out.
 */
export class ProducerIdAllocator {
  private next: number;
  private reservedUpTo: number;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'producer-ids.json');
    let reserved = 0;
    try {
      reserved = Number(JSON.parse(readFileSync(this.file, 'utf8')).reservedUpTo) || 0;
    } catch {
      // first start: nothing reserved yet
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
    this.reservedUpTo = upTo;
  }
}
