// Passive outlier ejection after Envoy's consecutive-5xx detector: an instance that answers
// consecutive5xx server errors (or connection failures) in a row is ejected for
// baseEjectionTime × the number of times it has been ejected (capped at maxEjectionTime), unless
// that would put maxEjectionPercent or more of the instances out (Envoy's check: eject only while
// the ejected share is below the limit, so one instance can always go). An instance that stays in
// for a whole `interval` after coming back has its ejection count lowered by one, as Envoy lowers
// its multiplier. Time is read from the clock when asked; nothing runs in the background.

import { EventEmitter } from 'cockatiel';
import { type Clock, systemClock } from '../../clock/index.js';
import { SluiceError } from '../../errors/index.js';

export interface OutlierConfig {
  /** Envoy's consecutive_5xx (default 5). */
  readonly consecutive5xx: number;
  /** Envoy's base_ejection_time (default 30 s). */
  readonly baseEjectionTimeMs: number;
  /** Envoy's max_ejection_time (default 300 s). */
  readonly maxEjectionTimeMs: number;
  /** Envoy's max_ejection_percent (default 10). */
  readonly maxEjectionPercent: number;
  /** Envoy's interval (default 10 s): how long back in service lowers the ejection count by one. */
  readonly intervalMs: number;
  /** How many instances to keep state for at most. */
  readonly maxInstances: number;
}

export const OUTLIER_DEFAULTS: OutlierConfig = {
  consecutive5xx: 5,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionPercent: 10,
  intervalMs: 10_000,
  maxInstances: 10_000,
};

export interface EjectionEvent {
  readonly instance: string;
  readonly ejections: number;
  readonly untilMs: number;
}

interface InstanceState {
  consecutive: number;
  ejections: number;
  /** Ejected until this time; 0 when in service. */
  ejectedUntil: number;
  /** When it last came back (or was first seen), for lowering `ejections`. */
  since: number;
}

export class OutlierDetector {
  readonly config: OutlierConfig;
  private readonly clock: Clock;
  private readonly states = new Map<string, InstanceState>();
  private readonly ejectEmitter = new EventEmitter<EjectionEvent>();
  private readonly skipEmitter = new EventEmitter<{ instance: string; ejected: number; total: number }>();

  readonly onEject = this.ejectEmitter.addListener;
  /** An ejection not made because maxEjectionPercent was reached. */
  readonly onEjectionSkipped = this.skipEmitter.addListener;

  constructor(config: Partial<OutlierConfig> = {}, clock: Clock = systemClock) {
    const c = { ...OUTLIER_DEFAULTS, ...config };
    for (const key of Object.keys(OUTLIER_DEFAULTS) as (keyof OutlierConfig)[])
      if (!Number.isSafeInteger(c[key]) || c[key] < (key === 'maxEjectionPercent' ? 0 : 1))
        throw new SluiceError(
          'INVALID_CONFIG',
          `outlier detection ${key} must be a whole number, got ${JSON.stringify(c[key])}`,
          {
            details: { key },
          },
        );
    if (c.maxEjectionPercent > 100)
      throw new SluiceError('INVALID_CONFIG', 'outlier detection maxEjectionPercent must be at most 100', {
        details: { key: 'maxEjectionPercent' },
      });
    this.config = c;
    this.clock = clock;
  }

  /** A success (any answer that is not a server error) resets the instance's run of failures. */
  success(instance: string): void {
    const s = this.states.get(instance);
    if (s) s.consecutive = 0;
  }

  /**
   * A 5xx answer or a connection failure. `instances` are all the upstream's instances now (the
   * percentage is taken of them). Returns whether this failure ejected the instance.
   */
  failure(instance: string, instances: readonly string[]): boolean {
    const now = this.clock.now();
    const s = this.state(instance, now);
    if (this.isEjected(instance, now)) return false;
    s.consecutive++;
    if (s.consecutive < this.config.consecutive5xx) return false;
    const total = Math.max(instances.length, 1);
    const ejected = instances.filter((i) => i !== instance && this.isEjected(i, now)).length;
    if ((ejected * 100) / total >= this.config.maxEjectionPercent) {
      this.skipEmitter.emit({ instance, ejected, total });
      return false;
    }
    this.settle(s, now);
    s.ejections++;
    s.consecutive = 0;
    const base = this.config.baseEjectionTimeMs;
    s.ejectedUntil = now + Math.min(base * s.ejections, Math.max(base, this.config.maxEjectionTimeMs));
    this.ejectEmitter.emit({ instance, ejections: s.ejections, untilMs: s.ejectedUntil });
    return true;
  }

  isEjected(instance: string, now = this.clock.now()): boolean {
    const s = this.states.get(instance);
    if (!s || s.ejectedUntil === 0) return false;
    if (s.ejectedUntil > now) return true;
    // Back in service from the moment its time ran out.
    s.since = s.ejectedUntil;
    s.ejectedUntil = 0;
    return false;
  }

  /** How many times the instance has been ejected (lowered by time back in service). */
  ejections(instance: string): number {
    const s = this.states.get(instance);
    if (!s) return 0;
    const now = this.clock.now();
    if (!this.isEjected(instance, now)) this.settle(s, now);
    return s.ejections;
  }

  /** Forgets an instance (it left the registry). */
  forget(instance: string): void {
    this.states.delete(instance);
  }

  private state(instance: string, now: number): InstanceState {
    let s = this.states.get(instance);
    if (!s) {
      s = { consecutive: 0, ejections: 0, ejectedUntil: 0, since: now };
      this.states.set(instance, s);
      if (this.states.size > this.config.maxInstances) {
        // Keep memory bounded: drop the oldest instance not ejected now.
        for (const [id, old] of this.states)
          if (id !== instance && !(old.ejectedUntil > now)) {
            this.states.delete(id);
            break;
          }
      }
    }
    return s;
  }

  /** Lowers the ejection count by one per whole interval spent in service since it came back. */
  private settle(s: InstanceState, now: number): void {
    if (s.ejectedUntil > now || s.ejections === 0) return;
    const intervals = Math.floor((now - s.since) / this.config.intervalMs);
    if (intervals <= 0) return;
    s.ejections = Math.max(0, s.ejections - intervals);
    s.since += intervals * this.config.intervalMs;
  }
}
