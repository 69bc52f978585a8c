import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReadBufferPool } from '../../storage/index.js';

/** How well Fetch's read buffers are reused (see docs/architecture.md, the storage room). */
export function registerReadBufferMetrics(registry: Registry, pool: ReadBufferPool): void {
  const registers = [registry];
  new Gauge({
    name: 'sluice_fetch_buffer_pool_idle_bytes',
    help: 'Read buffers Fetch keeps for reuse (bounded by fetchBufferPoolBytes).',
    registers,
    collect() {
      this.set(pool.idle);
    },
  });
  new Counter({
    name: 'sluice_fetch_buffer_slabs_total',
    help: 'Slabs Fetch read into, by outcome: reused from the pool, or allocated because none was idle.',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      this.inc({ outcome: 'reused' }, pool.reused);
      this.inc({ outcome: 'allocated' }, pool.allocated);
    },
  });
}
