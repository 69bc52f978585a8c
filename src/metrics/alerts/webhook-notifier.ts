import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { AlertInstance } from './alert-state.js';
import type { WebhookConfig } from './config.js';
import { buildPayload, type WebhookPayload } from './payload.js';

export interface NotifierOptions {
  webhooks: WebhookConfig[];
  repeatInterval: number;
  retryBackoff: number;
  /** A function when the URL is known only once the server listens (port 0). */
  externalUrl: string | (() => string);
  logger: Logger;
  notifications: Counter<'result'>;
}

interface GroupMemory {
  /** Fingerprints of the firing alerts in the last notification. */
  sent: Set<string>;
  lastSentAt: number;
}

/**
 * Alertmanager's part, for one route grouped by alertname: notifies when a group gains a firing
 * alert or loses one (resolved), and again every repeatInterval while alerts keep firing.
 * Deliveries run in the background with a timeout and retries, so evaluation never waits on them.
 */
export class WebhookNotifier {
  private readonly groups = new Map<string, GroupMemory>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  constructor(private readonly options: NotifierOptions) {}

  /** Called after each evaluation with every alert of every rule. */
  notify(alerts: AlertInstance[], now: number): void {
    const byName = new Map<string, AlertInstance[]>();
    for (const a of alerts) {
      if (a.state === 'pending') continue;
      byName.set(a.alertname, [...(byName.get(a.alertname) ?? []), a]);
    }
    for (const [alertname, group] of byName) {
      const memory = this.groups.get(alertname) ?? { sent: new Set<string>(), lastSentAt: 0 };
      const firing = group.filter((a) => a.state === 'firing');
      const resolved = group.filter((a) => a.state === 'resolved' && memory.sent.has(a.fingerprint));
      const changed = resolved.length > 0 || firing.some((a) => !memory.sent.has(a.fingerprint));
      const due = firing.length > 0 && now - memory.lastSentAt >= this.options.repeatInterval;
      if (!changed && !due) continue;
      this.groups.set(alertname, { sent: new Set(firing.map((a) => a.fingerprint)), lastSentAt: now });
      if (firing.length === 0) this.groups.delete(alertname);
      // Snapshot now: the instances change at the next evaluation.
      const snapshot = [...firing, ...resolved].map((a) => ({ ...a, annotations: { ...a.annotations } }));
      for (const hook of this.options.webhooks) this.send(hook, snapshot, { alertname });
    }
  }

  /** Resolves when every delivery started so far has finished (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Gives up pending retries and waits for attempts in flight to end. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.settled();
  }

  private send(hook: WebhookConfig, alerts: AlertInstance[], groupLabels: Record<string, string>): void {
    const chosen = hook.sendResolved ? alerts : alerts.filter((a) => a.state === 'firing');
    if (chosen.length === 0) return;
    const payload = buildPayload(chosen, {
      receiver: hook.name,
      groupLabels,
      externalUrl:
        typeof this.options.externalUrl === 'function'
          ? this.options.externalUrl()
          : this.options.externalUrl,
      maxAlerts: hook.maxAlerts,
    });
    const delivery = this.deliver(hook, payload).finally(() => this.inflight.delete(delivery));
    this.inflight.add(delivery);
  }

  private async deliver(hook: WebhookConfig, payload: WebhookPayload): Promise<void> {
    const { logger, notifications, retryBackoff } = this.options;
    const body = JSON.stringify(payload);
    let lastError = '';
    for (let attempt = 0; attempt <= hook.retries && !this.stop.signal.aborted; attempt++) {
      if (attempt > 0) await sleep(retryBackoff * 2 ** (attempt - 1), this.stop.signal);
      if (this.stop.signal.aborted) break;
      const outcome = await post(hook, body, this.stop.signal);
      if (outcome === 'ok') {
        notifications.inc({ result: 'success' });
        return;
      }
      lastError = outcome.error;
      logger.warn({ url: hook.url, attempt: attempt + 1, error: lastError }, 'alert webhook attempt failed');
      if (!outcome.retry) break;
    }
    notifications.inc({ result: 'failure' });
    logger.error(
      { url: hook.url, groupKey: payload.groupKey, status: payload.status, error: lastError },
      'alert notification not delivered',
    );
  }
}

type Outcome = 'ok' | { error: string; retry: boolean };

async function post(hook: WebhookConfig, body: string, stop: AbortSignal): Promise<Outcome> {
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Sluice-Alerts' },
      body,
      signal: AbortSignal.any([stop, AbortSignal.timeout(hook.timeout)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return 'ok';
    // As Alertmanager: a server error or throttling may pass, other client errors will not.
    return { error: `HTTP ${res.status}`, retry: res.status >= 500 || res.status === 429 };
  } catch (err) {
    return { error: (err as Error).message, retry: true };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
