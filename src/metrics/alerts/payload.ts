import type { AlertInstance } from './alert-state.js';
import type { Labels } from './samples.js';

/** Alertmanager's webhook payload, version 4. */
export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: PayloadAlert[];
}

export interface PayloadAlert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

// Go's zero time: what Alertmanager sends as endsAt of an alert still firing.
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface PayloadOptions {
  receiver: string;
  groupLabels: Labels;
  externalUrl: string;
  /** 0 = no limit. */
  maxAlerts: number;
}

/** One notification for a group of alerts, firing ones first, in Alertmanager's shape. */
export function buildPayload(alerts: AlertInstance[], options: PayloadOptions): WebhookPayload {
  const ordered = [...alerts].sort((a, b) => rank(a) - rank(b));
  const kept = options.maxAlerts > 0 ? ordered.slice(0, options.maxAlerts) : ordered;
  const groupKey = `{}:{${Object.entries(options.groupLabels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
  return {
    version: '4',
    groupKey,
    truncatedAlerts: ordered.length - kept.length,
    status: alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved',
    receiver: options.receiver,
    groupLabels: options.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: options.externalUrl,
    alerts: kept.map((a) => ({
      status: a.state === 'firing' ? 'firing' : 'resolved',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.firedAt ?? a.activeAt).toISOString(),
      endsAt:
        a.state === 'resolved' && a.resolvedAt !== undefined
          ? new Date(a.resolvedAt).toISOString()
          : ZERO_TIME,
      generatorURL: `${options.externalUrl}/api/rules?rule_name=${encodeURIComponent(a.alertname)}`,
      fingerprint: a.fingerprint,
    })),
  };
}

function rank(a: AlertInstance): number {
  return a.state === 'firing' ? 0 : 1;
}

/** The pairs every map shares with the same value. */
function common(maps: Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(maps[0])) if (maps.every((m) => m[k] === v)) out[k] = v;
  return out;
}
