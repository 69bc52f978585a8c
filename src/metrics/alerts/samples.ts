import type { Registry } from 'prom-client';

export type Labels = Record<string, string>;
export interface Sample {
  labels: Labels;
  value: number;
}
/** Label matchers: an exact value, or a regular expression the whole value must match. */
export type Match = Record<string, string | RegExp>;

interface Snapshot {
  t: number;
  series: Map<string, Sample[]>;
}

/**
 * The short history the rules need for growth and rates: one snapshot of the metrics they read
 * per evaluation, kept as long as the longest rule window. Read in process from the registry,
 * so a rule sees exactly what a scrape of /metrics would show.
 */
export class SampleHistory {
  private snapshots: Snapshot[] = [];

  constructor(
    private readonly registry: Registry,
    private readonly names: readonly string[],
    private readonly keepMs: number,
  ) {}

  async record(t: number): Promise<void> {
    const series = new Map<string, Sample[]>();
    for (const name of this.names) {
      const metric = this.registry.getSingleMetric(name);
      if (!metric) continue;
      const data = await metric.get();
      series.set(
        name,
        data.values.map((v) => ({ labels: stringLabels(v.labels), value: v.value })),
      );
    }
    this.snapshots.push({ t, series });
    // Keep one snapshot older than the window, so a full window always has its start.
    while (this.snapshots.length > 2 && this.snapshots[1].t <= t - this.keepMs) this.snapshots.shift();
  }

  /** The latest samples of a metric that match. */
  instant(name: string, match: Match = {}): Sample[] {
    const last = this.snapshots.at(-1);
    return (last?.series.get(name) ?? []).filter((s) => matches(s.labels, match));
  }

  /** Per series, the newest value minus the oldest within the window (needs two samples). */
  delta(name: string, windowMs: number, match: Match = {}): Sample[] {
    const inWindow = this.window(windowMs);
    if (inWindow.length < 2) return [];
    const first = byKey(inWindow[0].series.get(name) ?? [], match);
    return this.instant(name, match).flatMap((s) => {
      const old = first.get(labelKey(s.labels));
      return old ? [{ labels: s.labels, value: s.value - old.value }] : [];
    });
  }

  /**
   * Per series, how much a counter grew within the window, counting a drop as a restart from 0
   * (as Prometheus's increase() does). A series that appeared inside the window grew from 0: the
   * registry is read in process, so a series missing earlier had simply not been touched yet.
   */
  increase(name: string, windowMs: number, match: Match = {}): Sample[] {
    const inWindow = this.window(windowMs);
    if (inWindow.length < 2) return [];
    const steps = inWindow.map((snap) => byKey(snap.series.get(name) ?? [], match));
    return this.instant(name, match).map((s) => {
      const key = labelKey(s.labels);
      let grown = 0;
      let previous = steps[0].get(key)?.value ?? 0;
      for (let i = 1; i < steps.length; i++) {
        const value = steps[i].get(key)?.value ?? 0;
        grown += value >= previous ? value - previous : value;
        previous = value;
      }
      return { labels: s.labels, value: grown };
    });
  }

  private window(windowMs: number): Snapshot[] {
    const now = this.snapshots.at(-1)?.t ?? 0;
    return this.snapshots.filter((s) => s.t >= now - windowMs);
  }
}

export function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Sums samples by the given labels, as PromQL's `sum by (...)`. */
export function sumBy(samples: Sample[], by: readonly string[]): Sample[] {
  return aggregate(samples, by, (a, b) => a + b);
}

/** `max by (...)`. */
export function maxBy(samples: Sample[], by: readonly string[]): Sample[] {
  return aggregate(samples, by, Math.max);
}

function aggregate(
  samples: Sample[],
  by: readonly string[],
  combine: (a: number, b: number) => number,
): Sample[] {
  const groups = new Map<string, Sample>();
  for (const s of samples) {
    const labels: Labels = {};
    for (const l of by) if (s.labels[l] !== undefined && s.labels[l] !== '') labels[l] = s.labels[l];
    const key = labelKey(labels);
    const group = groups.get(key);
    if (group) group.value = combine(group.value, s.value);
    else groups.set(key, { labels, value: s.value });
  }
  return [...groups.values()];
}

function byKey(samples: Sample[], match: Match): Map<string, Sample> {
  const out = new Map<string, Sample>();
  for (const s of samples) if (matches(s.labels, match)) out.set(labelKey(s.labels), s);
  return out;
}

function matches(labels: Labels, match: Match): boolean {
  for (const [name, want] of Object.entries(match)) {
    const value = labels[name] ?? '';
    if (typeof want === 'string' ? value !== want : !new RegExp(`^(?:${want.source})$`).test(value))
      return false;
  }
  return true;
}

function stringLabels(labels: Partial<Record<string, string | number>>): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined) out[k] = String(v);
  return out;
}
