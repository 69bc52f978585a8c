// A clock that only moves when the test says so, for components that take a Clock (the group
// coordinator, the registry, the pipelines): timeouts of seconds pass in no time, and always in the same order.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock, ClockTimer } from '../../src/clock/index.js';

interface Pending {
  due: number;
  seq: number;
  fn: () => void;
}

/**
 * Lets every promise continuation that is already queued run. Code that does no I/O (the group
 * coordinator) has settled after one turn of the event loop; this is not a wait for time.
 */
export const settle = (): Promise<void> => nextTurn();

export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const entry = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.add(entry);
    return { cancel: () => this.pending.delete(entry) };
  }

  /** Timers not yet fired or cancelled. */
  get timers(): number {
    return this.pending.size;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way in due order (ties in
   * the order they were set), each at its own time, with promise continuations settled after each
   * one; timers set by a firing timer fire too when they fall within the step.
   */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > end) break;
      this.pending.delete(next);
      this.current = Math.max(this.current, next.due);
      next.fn();
      await settle();
    }
    this.current = end;
    await settle();
  }

  private earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (!best || p.due < best.due || (p.due === best.due && p.seq < best.seq)) best = p;
    }
    return best;
  }
}
