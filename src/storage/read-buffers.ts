/**
 * Reusable memory for log reads whose bytes only pass through (Fetch responses). Allocating a
 * fresh buffer per read costs page faults, zeroing by the kernel and, once the garbage collector
 * frees it, munmap; a consumer reading at full speed spends more time on that than on copying.
 *
 * Slabs come in power-of-two sizes. Only free slabs count against the bound: a slab lent out is
 * owned by its lease until the lease is released, and one never given back (a response dropped
 * with its connection) is simply collected like any buffer. Past the bound, slabs given back are
 * dropped, so the pool never holds more than `limit` idle bytes.
 */
export class ReadBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;
  /** Slabs handed out from the free lists, and slabs allocated because none was free. */
  reused = 0;
  allocated = 0;
  /** Whether a slab was asked for since the last trim. */
  private usedSinceTrim = false;

  constructor(readonly limit: number) {}

  /** Idle bytes held for reuse. */
  get idle(): number {
    return this.freeBytes;
  }

  /** A new lease: reads made through it share its lifetime. */
  lease(): ReadLease {
    return new ReadLease(this);
  }

  /** A slab of at least `length` bytes; its contents are whatever the last user left. */
  acquire(length: number): Buffer {
    this.usedSinceTrim = true;
    const size = slabSize(length);
    const list = this.free.get(size);
    const slab = list?.pop();
    if (slab) {
      this.freeBytes -= size;
      this.reused++;
      return slab;
    }
    this.allocated++;
    return Buffer.allocUnsafeSlow(size);
  }

  /**
   * Called periodically: if no read asked for a slab since the last call, the idle slabs go back
   * to the system, so memory a burst of consumers needed is not kept for good.
   */
  trim(): void {
    if (!this.usedSinceTrim) {
      this.free.clear();
      this.freeBytes = 0;
    }
    this.usedSinceTrim = false;
  }

  /** Takes a slab back. The caller guarantees nothing refers to its bytes any more. */
  put(slab: Buffer): void {
    if (this.freeBytes + slab.length > this.limit) return;
    let list = this.free.get(slab.length);
    if (!list) {
      list = [];
      this.free.set(slab.length, list);
    }
    list.push(slab);
    this.freeBytes += slab.length;
  }
}

/** Below this, reads are too small for pooling to matter; they allocate as usual. */
const MIN_SLAB = 64 * 1024;

function slabSize(length: number): number {
  let size = MIN_SLAB;
  while (size < length) size *= 2;
  return size;
}

/** Where a read gets its buffers: fresh memory unless a lease says otherwise. */
export interface ReadBuffers {
  /** A buffer of exactly `length` bytes to read into. */
  take(length: number): Buffer;
}

export const freshBuffers: ReadBuffers = { take: (length) => Buffer.allocUnsafe(length) };

/**
 * The slabs behind one response. Release it only once nothing refers to any buffer taken from
 * it: for a Fetch, once the whole response has been handed to the kernel, or once it has been
 * thrown away unsent. Releasing twice is harmless; taking after a release starts a new set.
 */
export class ReadLease implements ReadBuffers {
  private slabs: Buffer[] = [];

  constructor(private readonly pool: ReadBufferPool) {}

  take(length: number): Buffer {
    if (length < MIN_SLAB) return Buffer.allocUnsafe(length);
    const slab = this.pool.acquire(length);
    this.slabs.push(slab);
    return slab.subarray(0, length);
  }

  /** Slabs currently held. */
  get held(): number {
    return this.slabs.length;
  }

  release(): void {
    const slabs = this.slabs;
    this.slabs = [];
    for (const slab of slabs) this.pool.put(slab);
  }
}
