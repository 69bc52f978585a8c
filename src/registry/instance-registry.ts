// The registry's state and rules, as Eureka's AbstractInstanceRegistry and its peer-aware subclass
// keep them: leases by application and instance id, status overrides, the recently-changed queue
// behind /apps/delta, eviction of expired leases and self-preservation. Every change is handed to
// `onChange` (the event log, the response cache, metrics); nothing here does I/O.
//
// One deliberate difference: Eureka's Lease.renew() sets lastUpdateTimestamp to now + duration and
// isExpired() adds the duration again, so a lease lives twice its duration (Netflix/eureka #531,
// kept upstream for compatibility). Here a lease expires `duration` after its last renewal, as
// documented: a 90 s lease is evicted at the first eviction run after 90 s without a renewal.

import { type Clock, type ClockTimer, every } from '../clock/index.js';
import type { RegistryConfig } from './config.js';
import { reconcileHashCode } from './hash-code.js';
import type { GivenLease, InstanceInfo, InstanceStatus } from './instance.js';
import { MeasuredRate } from './measured-rate.js';

export type ActionType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type ChangeReason =
  | 'registered'
  | 'status'
  | 'status-override-removed'
  | 'metadata'
  | 'renewal-status'
  | 'cancelled'
  | 'evicted'
  /** Not a change: every live instance written again so the events topic's retention keeps it. */
  | 'snapshot';

export interface Lease {
  readonly registrationTimestamp: number;
  readonly lastRenewalTimestamp: number;
  readonly evictionTimestamp: number;
  readonly serviceUpTimestamp: number;
  readonly durationMs: number;
  readonly renewalIntervalInSecs: number;
}

/** An instance with its lease: what the registry holds, and what a change shows. */
export interface Entry {
  readonly instance: InstanceInfo;
  readonly lease: Lease;
  /** The last change's action (what Eureka's actionType shows outside a delta too). */
  readonly action: ActionType;
}

export interface Change extends Entry {
  readonly reason: ChangeReason;
  readonly at: number;
}

export type RenewOutcome = { status: 200 } | { status: 404 } | { status: 409; entry: Entry };

export interface RegistryListener {
  onChange?(change: Change): void;
}

/** How often the delta queue drops entries older than its window (deltaRetentionTimerIntervalInMs). */
const DELTA_PRUNE_INTERVAL_MS = 30_000;
const DEFAULT_RENEWAL_INTERVAL_SECS = 30;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class InstanceRegistry {
  readonly #apps = new Map<string, Map<string, Mutable<Entry>>>();
  /** Status overrides by instance id (Eureka keys them by id alone). */
  readonly #overrides = new Map<string, InstanceStatus>();
  #recent: Change[] = [];
  readonly #renewals: MeasuredRate;
  readonly #timers: ClockTimer[] = [];
  #expected = 0;
  #threshold = 0;
  #size = 0;
  #lastEvictionRun = 0;
  /** Bumped by every change: the response cache's generation. */
  #generation = 0;

  constructor(
    private readonly config: RegistryConfig,
    private readonly clock: Clock,
    private readonly listener: RegistryListener = {},
  ) {
    this.#renewals = new MeasuredRate(clock);
  }

  /** Starts the timers: the renewal rate, eviction, the delta window and the threshold recount. */
  start(): void {
    this.#renewals.start();
    this.#lastEvictionRun = this.clock.now();
    this.#timers.push(
      every(this.clock, this.config.evictionIntervalMs, () => this.evict()),
      every(this.clock, DELTA_PRUNE_INTERVAL_MS, () => this.#pruneRecent()),
      every(this.clock, this.config.renewalThresholdUpdateIntervalMs, () => this.#recountExpected()),
    );
  }

  stop(): void {
    this.#renewals.stop();
    for (const t of this.#timers.splice(0)) t.cancel();
  }

  // ---- writes

  /**
   * Registers or re-registers (same app and id: an update, never a second instance). A registration
   * older than the one held (by lastDirtyTimestamp) keeps the held one, as Eureka does.
   */
  register(
    given: InstanceInfo,
    givenLease: GivenLease = { registrationTimestamp: 0, serviceUpTimestamp: 0 },
  ): Entry {
    const now = this.clock.now();
    const apps = this.#appMap(given.app, true);
    const existing = apps.get(given.instanceId);
    let registrant = given;
    if (existing && existing.instance.lastDirtyTimestamp > given.lastDirtyTimestamp)
      registrant = existing.instance;
    if (!existing) {
      this.#size++;
      this.#expected++;
      this.#updateThreshold();
    }
    if (registrant.overriddenStatus !== 'UNKNOWN' && !this.#overrides.has(registrant.instanceId))
      this.#overrides.set(registrant.instanceId, registrant.overriddenStatus);
    const override = this.#overrides.get(registrant.instanceId);
    const status = this.#effectiveStatus(registrant, existing, override);
    const instance: InstanceInfo = {
      ...registrant,
      overriddenStatus: override ?? registrant.overriddenStatus,
      status,
      lastUpdatedTimestamp: now,
    };
    const durationSecs = instance.durationInSecs > 0 ? instance.durationInSecs : 0;
    const serviceUp =
      existing?.lease.serviceUpTimestamp || givenLease.serviceUpTimestamp || (status === 'UP' ? now : 0);
    const entry: Mutable<Entry> = {
      instance,
      lease: {
        registrationTimestamp: givenLease.registrationTimestamp || now,
        lastRenewalTimestamp: now,
        evictionTimestamp: 0,
        serviceUpTimestamp: serviceUp,
        durationMs: durationSecs > 0 ? durationSecs * 1000 : this.config.leaseDurationMs,
        renewalIntervalInSecs: instance.renewalIntervalInSecs || DEFAULT_RENEWAL_INTERVAL_SECS,
      },
      action: 'ADDED',
    };
    apps.set(instance.instanceId, entry);
    this.#changed(entry, 'ADDED', 'registered');
    return entry;
  }

  /**
   * A heartbeat: 404 for an unknown instance (the client registers again), and Eureka's
   * lastDirtyTimestamp check: a client newer than what is held gets 404 so it registers its newer
   * self; one older gets 409 with what is held when it is a peer replicating, 200 otherwise.
   */
  renew(app: string, id: string, lastDirtyTimestamp?: number, replication = false): RenewOutcome {
    const entry = this.#appMap(app, false)?.get(id);
    if (!entry) return { status: 404 };
    const override = this.#overrides.get(id);
    const status = this.#effectiveStatus(entry.instance, entry, override);
    // Eureka: an instance whose status resolves to UNKNOWN (its override was removed) must register again.
    if (status === 'UNKNOWN') return { status: 404 };
    const now = this.clock.now();
    this.#renewals.increment();
    entry.lease = { ...entry.lease, lastRenewalTimestamp: now };
    if (status !== entry.instance.status) {
      entry.instance = { ...entry.instance, status, lastUpdatedTimestamp: now };
      if (status === 'UP' && entry.lease.serviceUpTimestamp === 0)
        entry.lease = { ...entry.lease, serviceUpTimestamp: now };
      this.#changed(entry, 'MODIFIED', 'renewal-status');
    }
    if (lastDirtyTimestamp !== undefined && lastDirtyTimestamp !== entry.instance.lastDirtyTimestamp) {
      if (lastDirtyTimestamp > entry.instance.lastDirtyTimestamp) return { status: 404 };
      if (replication) return { status: 409, entry };
    }
    return { status: 200 };
  }

  /** Deregisters; false when unknown. The expected renewals drop with it (an eviction's do not). */
  cancel(app: string, id: string): boolean {
    if (!this.#remove(app, id, 'cancelled')) return false;
    if (this.#expected > 0) this.#expected--;
    this.#updateThreshold();
    return true;
  }

  /** Overrides the status (PUT .../status?value=); false when unknown. */
  setStatus(app: string, id: string, status: InstanceStatus, lastDirtyTimestamp?: number): boolean {
    const entry = this.#appMap(app, false)?.get(id);
    if (!entry) return false;
    const now = this.clock.now();
    entry.lease = { ...entry.lease, lastRenewalTimestamp: now };
    if (entry.instance.status === status) return true;
    this.#overrides.set(id, status);
    if (status === 'UP' && entry.lease.serviceUpTimestamp === 0)
      entry.lease = { ...entry.lease, serviceUpTimestamp: now };
    entry.instance = {
      ...entry.instance,
      status,
      overriddenStatus: status,
      lastUpdatedTimestamp: now,
      lastDirtyTimestamp: Math.max(entry.instance.lastDirtyTimestamp, lastDirtyTimestamp ?? 0),
    };
    this.#changed(entry, 'MODIFIED', 'status');
    return true;
  }

  /**
   * Removes the override (DELETE .../status?value=); the status becomes `status` (UNKNOWN when
   * none is given, so the next renewal answers 404 and the client registers its own). False when unknown.
   */
  removeStatusOverride(
    app: string,
    id: string,
    status: InstanceStatus,
    lastDirtyTimestamp?: number,
  ): boolean {
    const entry = this.#appMap(app, false)?.get(id);
    if (!entry) return false;
    const now = this.clock.now();
    entry.lease = { ...entry.lease, lastRenewalTimestamp: now };
    if (!this.#overrides.delete(id)) return true;
    entry.instance = {
      ...entry.instance,
      status,
      overriddenStatus: 'UNKNOWN',
      lastUpdatedTimestamp: now,
      lastDirtyTimestamp: Math.max(entry.instance.lastDirtyTimestamp, lastDirtyTimestamp ?? 0),
    };
    this.#changed(entry, 'MODIFIED', 'status-override-removed');
    return true;
  }

  /** Adds or replaces metadata entries (PUT .../metadata?k=v); false when unknown. */
  updateMetadata(app: string, id: string, entries: Readonly<Record<string, string>>): boolean {
    const entry = this.#appMap(app, false)?.get(id);
    if (!entry) return false;
    entry.instance = {
      ...entry.instance,
      metadata: { ...entry.instance.metadata, ...entries },
      lastUpdatedTimestamp: this.clock.now(),
    };
    this.#changed(entry, 'MODIFIED', 'metadata');
    return true;
  }

  /**
   * Puts back an instance read from the event log at start: no change is announced, and its lease
   * counts as renewed now, so it is judged by the renewals that follow the rebuild.
   */
  restore(instance: InstanceInfo, lease: GivenLease, action: ActionType = 'ADDED'): void {
    const now = this.clock.now();
    const apps = this.#appMap(instance.app, true);
    if (!apps.has(instance.instanceId)) {
      this.#size++;
      this.#expected++;
    }
    if (instance.overriddenStatus !== 'UNKNOWN')
      this.#overrides.set(instance.instanceId, instance.overriddenStatus);
    else this.#overrides.delete(instance.instanceId);
    apps.set(instance.instanceId, {
      instance,
      lease: {
        registrationTimestamp: lease.registrationTimestamp || now,
        lastRenewalTimestamp: now,
        evictionTimestamp: 0,
        serviceUpTimestamp: lease.serviceUpTimestamp,
        durationMs:
          instance.durationInSecs > 0 ? instance.durationInSecs * 1000 : this.config.leaseDurationMs,
        renewalIntervalInSecs: instance.renewalIntervalInSecs || DEFAULT_RENEWAL_INTERVAL_SECS,
      },
      action,
    });
    this.#updateThreshold();
    this.#generation++;
  }

  /** Forgets an instance the event log says is gone (at start; no change announced). */
  forget(app: string, id: string): void {
    const apps = this.#appMap(app, false);
    if (!apps?.delete(id)) return;
    this.#size--;
    if (this.#expected > 0) this.#expected--;
    this.#overrides.delete(id);
    if (apps.size === 0) this.#apps.delete(app);
    this.#updateThreshold();
    this.#generation++;
  }

  /**
   * One eviction run (the timer's): while lease expiration is enabled, evicts expired leases, the
   * longest expired first, at most the share of the registry self-preservation allows per run
   * (Eureka picks that many at random). A run that comes late gives leases the lateness back.
   */
  evict(): Entry[] {
    const now = this.clock.now();
    const late = Math.max(0, now - this.#lastEvictionRun - this.config.evictionIntervalMs);
    this.#lastEvictionRun = now;
    if (!this.leaseExpirationEnabled) return [];
    const expired: Mutable<Entry>[] = [];
    for (const apps of this.#apps.values())
      for (const e of apps.values())
        if (now > e.lease.lastRenewalTimestamp + e.lease.durationMs + late) expired.push(e);
    if (expired.length === 0) return [];
    const limit = this.#size - Math.floor(this.#size * this.config.renewalPercentThreshold);
    expired.sort(
      (a, b) =>
        a.lease.lastRenewalTimestamp +
        a.lease.durationMs -
        (b.lease.lastRenewalTimestamp + b.lease.durationMs),
    );
    const evicted: Entry[] = [];
    for (const e of expired.slice(0, limit)) {
      const removed = this.#remove(e.instance.app, e.instance.instanceId, 'evicted');
      if (removed) evicted.push(removed);
    }
    return evicted;
  }

  /** Every live instance as a `snapshot` change, for the event log only (nothing changes). */
  snapshot(): Change[] {
    const at = this.clock.now();
    const out: Change[] = [];
    for (const apps of this.#apps.values())
      for (const e of apps.values()) out.push({ ...e, reason: 'snapshot', at });
    return out;
  }

  // ---- reads

  /** Bumped by every change. */
  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#size;
  }

  /** Applications (upper-case names) with their instances, in registration order. */
  applications(): [string, Entry[]][] {
    return [...this.#apps].map(([name, apps]) => [name, [...apps.values()]]);
  }

  application(app: string): Entry[] | undefined {
    const apps = this.#appMap(app, false);
    return apps ? [...apps.values()] : undefined;
  }

  instance(app: string, id: string): Entry | undefined {
    return this.#appMap(app, false)?.get(id);
  }

  /** The first instance with this id in any application (GET /instances/{id}). */
  instanceById(id: string): Entry | undefined {
    for (const apps of this.#apps.values()) {
      const e = apps.get(id);
      if (e) return e;
    }
    return undefined;
  }

  /** The full registry's hash code (DOWN_1_UP_3_). */
  hashCode(): string {
    return reconcileHashCode(this.#statuses());
  }

  countsByStatus(): Map<InstanceStatus, number> {
    const counts = new Map<InstanceStatus, number>();
    for (const s of this.#statuses()) counts.set(s, (counts.get(s) ?? 0) + 1);
    return counts;
  }

  /**
   * Changes within the delta window, oldest first, one per instance (its latest), as Eureka's
   * delta holds each instance once with its latest action.
   */
  recentChanges(): Change[] {
    this.#pruneRecent();
    const latest = new Map<string, Change>();
    for (const c of this.#recent) {
      const key = `${c.instance.app}\0${c.instance.instanceId}`;
      latest.delete(key);
      latest.set(key, c);
    }
    return [...latest.values()];
  }

  /** Renewals counted in the last complete minute. */
  get renewsLastMinute(): number {
    return this.#renewals.count;
  }

  /** Renewals a minute below which self-preservation holds evictions. */
  get renewalThreshold(): number {
    return this.#threshold;
  }

  get expectedClients(): number {
    return this.#expected;
  }

  /** Eureka's isLeaseExpirationEnabled: always without self-preservation, else only above the threshold. */
  get leaseExpirationEnabled(): boolean {
    if (!this.config.selfPreservation) return true;
    return this.#threshold > 0 && this.#renewals.count > this.#threshold;
  }

  /** Self-preservation is holding evictions back (what Eureka's page calls EMERGENCY). */
  get selfPreservationActive(): boolean {
    return this.config.selfPreservation && this.#threshold > 0 && this.#renewals.count <= this.#threshold;
  }

  // ---- internals

  #appMap(app: string, create: true): Map<string, Mutable<Entry>>;
  #appMap(app: string, create: false): Map<string, Mutable<Entry>> | undefined;
  #appMap(app: string, create: boolean): Map<string, Mutable<Entry>> | undefined {
    let apps = this.#apps.get(app);
    if (!apps && create) {
      apps = new Map();
      this.#apps.set(app, apps);
    }
    return apps;
  }

  *#statuses(): Iterable<InstanceStatus> {
    for (const apps of this.#apps.values()) for (const e of apps.values()) yield e.instance.status;
  }

  /** Eureka's rules, first match wins: DOWN/STARTING/UNKNOWN as sent; an override; UP/OUT_OF_SERVICE held; as sent. */
  #effectiveStatus(
    instance: InstanceInfo,
    existing: Entry | undefined,
    override: InstanceStatus | undefined,
  ): InstanceStatus {
    if (instance.status !== 'UP' && instance.status !== 'OUT_OF_SERVICE') return instance.status;
    if (override !== undefined) return override;
    const held = existing?.instance.status;
    if (held === 'UP' || held === 'OUT_OF_SERVICE') return held;
    return instance.status;
  }

  #remove(app: string, id: string, reason: 'cancelled' | 'evicted'): Entry | undefined {
    const apps = this.#appMap(app, false);
    const entry = apps?.get(id);
    if (!apps || !entry) return undefined;
    apps.delete(id);
    if (apps.size === 0) this.#apps.delete(app);
    this.#size--;
    this.#overrides.delete(id);
    const now = this.clock.now();
    const gone: Mutable<Entry> = {
      instance: { ...entry.instance, lastUpdatedTimestamp: now },
      lease: { ...entry.lease, evictionTimestamp: now },
      action: 'DELETED',
    };
    this.#changed(gone, 'DELETED', reason);
    return gone;
  }

  #changed(entry: Mutable<Entry>, action: ActionType, reason: ChangeReason): void {
    entry.action = action;
    const change: Change = { ...entry, reason, at: this.clock.now() };
    this.#recent.push(change);
    this.#generation++;
    this.listener.onChange?.(change);
  }

  #pruneRecent(): void {
    const oldest = this.clock.now() - this.config.deltaRetentionMs;
    let drop = 0;
    while (drop < this.#recent.length && this.#recent[drop]!.at < oldest) drop++;
    if (drop > 0) this.#recent = this.#recent.slice(drop);
  }

  #updateThreshold(): void {
    const perMinute = 60_000 / this.config.renewalIntervalMs;
    this.#threshold = Math.floor(this.#expected * perMinute * this.config.renewalPercentThreshold);
  }

  /** Eureka's periodic recount: follows the registry's size up, or down by less than the threshold share. */
  #recountExpected(): void {
    if (this.#size > this.config.renewalPercentThreshold * this.#expected || !this.config.selfPreservation) {
      this.#expected = this.#size;
      this.#updateThreshold();
    }
  }
}
