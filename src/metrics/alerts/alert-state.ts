import { fingerprint } from './fingerprint.js';
import type { RuleDefinition, RuleSettings } from './rule-definitions.js';
import { type Labels, labelKey, type Sample } from './samples.js';
import { renderTemplate } from './template.js';

export type AlertState = 'pending' | 'firing' | 'resolved';

/** One alert instance of a rule: the rule's labels plus the labels of the series that matched. */
export interface AlertInstance {
  readonly alertname: string;
  readonly labels: Labels;
  annotations: Record<string, string>;
  state: AlertState;
  /** When the condition started to hold (ms). */
  activeAt: number;
  /** When it went from pending to firing (Alertmanager's startsAt). */
  firedAt?: number;
  /** When a firing alert's condition stopped holding (Alertmanager's endsAt). */
  resolvedAt?: number;
  value: number;
  readonly fingerprint: string;
}

// Prometheus keeps resolved alerts this long so that notifiers can learn of them.
const RESOLVED_RETENTION_MS = 15 * 60_000;

/**
 * Prometheus's alert life cycle for one rule: a series that matches is pending, fires once it has
 * matched for the rule's `for` duration, and resolves when it stops matching. A pending alert that
 * stops matching is simply forgotten.
 */
export class RuleAlerts {
  private readonly alerts = new Map<string, AlertInstance>();

  constructor(private readonly def: RuleDefinition) {}

  update(matched: Sample[], now: number, settings: RuleSettings): void {
    const seen = new Set<string>();
    for (const m of matched) {
      const labels: Labels = { ...m.labels, alertname: this.def.alert, severity: settings.severity };
      const key = labelKey(labels);
      seen.add(key);
      let alert = this.alerts.get(key);
      if (!alert || alert.state === 'resolved') {
        alert = {
          alertname: this.def.alert,
          labels,
          annotations: {},
          state: 'pending',
          activeAt: now,
          value: m.value,
          fingerprint: fingerprint(labels),
        };
        this.alerts.set(key, alert);
      }
      alert.value = m.value;
      alert.annotations = {
        summary: renderTemplate(this.def.annotations.summary, labels, m.value),
        description: renderTemplate(this.def.annotations.description, labels, m.value),
      };
      if (alert.state === 'pending' && now - alert.activeAt >= settings.for) {
        alert.state = 'firing';
        alert.firedAt = now;
      }
    }
    for (const [key, alert] of this.alerts) {
      if (seen.has(key)) continue;
      if (alert.state === 'pending') this.alerts.delete(key);
      else if (alert.state === 'firing') {
        alert.state = 'resolved';
        alert.resolvedAt = now;
      } else if (now - (alert.resolvedAt ?? now) > RESOLVED_RETENTION_MS) this.alerts.delete(key);
    }
  }

  /** Drops every alert, e.g. when the rule is disabled. */
  clear(): void {
    this.alerts.clear();
  }

  list(): AlertInstance[] {
    return [...this.alerts.values()];
  }

  /** The rule's state as Prometheus reports it: its most advanced alert's, or inactive. */
  state(): 'inactive' | 'pending' | 'firing' {
    const states = this.list().map((a) => a.state);
    if (states.includes('firing')) return 'firing';
    return states.includes('pending') ? 'pending' : 'inactive';
  }
}
