import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type AlertInstance, RuleAlerts } from './alert-state.js';
import type { AlertConfig } from './config.js';
import { RULES, type RuleDefinition, type RuleKind, type RuleSettings } from './rule-definitions.js';
import { type BrokerHealth, evaluateRule, RULE_METRICS } from './rule-eval.js';
import { SampleHistory } from './samples.js';
import { WebhookNotifier } from './webhook-notifier.js';

export interface AlertEvaluatorOptions {
  config: AlertConfig;
  registry: Registry;
  logger: Logger;
  /** The broker's health; a dead broker exports nothing, so its rule needs a probe. */
  brokerHealth?: BrokerHealth;
  /** Base URL of Sluice's HTTP server, for externalURL and generatorURL in notifications. */
  externalUrl?: string | (() => string);
  /** Clock in ms; tests inject one. */
  now?: () => number;
}

/** A rule with its settings and current alerts, as /api/rules shows it. */
export interface RuleStatus {
  def: RuleDefinition;
  settings: RuleSettings;
  alerts: AlertInstance[];
  state: 'inactive' | 'pending' | 'firing';
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  lastEvaluation?: number;
  evaluationMs: number;
}

interface RuleEntry {
  def: RuleDefinition;
  settings: RuleSettings;
  alerts: RuleAlerts;
  health: RuleStatus['health'];
  lastError?: string;
  lastEvaluation?: number;
  evaluationMs: number;
}

/**
 * The built-in evaluator: every evaluationInterval it reads the metrics its rules need from the
 * registry, evaluates each enabled rule, moves alerts through pending → firing → resolved and
 * hands them to the webhook notifier. Rules run one after another; a failing rule is reported in
 * its health and does not stop the others.
 */
export class AlertEvaluator {
  readonly config: AlertConfig;
  private readonly rules: RuleEntry[];
  private readonly history: SampleHistory;
  private readonly notifier: WebhookNotifier;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private closed = false;
  private lastEvaluation?: number;

  constructor(private readonly options: AlertEvaluatorOptions) {
    const { config, registry } = options;
    this.config = config;
    this.now = options.now ?? Date.now;
    this.rules = RULES.filter((def) => config.rules[def.kind].enabled).map((def) => ({
      def,
      settings: config.rules[def.kind],
      alerts: new RuleAlerts(def),
      health: 'unknown',
      evaluationMs: 0,
    }));
    const names = [...new Set(this.rules.flatMap((r) => RULE_METRICS[r.def.kind]))];
    const longest = Math.max(0, ...this.rules.map((r) => r.settings.window ?? 0));
    this.history = new SampleHistory(registry, names, longest);
    const alertsGauge = new Gauge({
      name: 'sluice_alerts',
      help: 'Alerts of the built-in evaluator, by alert name, severity and state (pending or firing).',
      labelNames: ['alertname', 'severity', 'state'],
      registers: [registry],
      collect: () => {
        alertsGauge.reset();
        for (const a of this.alerts()) {
          alertsGauge.inc({ alertname: a.alertname, severity: a.labels.severity, state: a.state });
        }
      },
    });
    const notifications = new Counter({
      name: 'sluice_alert_notifications_total',
      help: 'Webhook notifications of the built-in evaluator, by result (success, or failure after retries).',
      labelNames: ['result'],
      registers: [registry],
    });
    this.evaluations = new Counter({
      name: 'sluice_alert_evaluations_total',
      help: 'Evaluations of alert rules, by result (ok, or error when a rule could not be evaluated).',
      labelNames: ['result'],
      registers: [registry],
    });
    this.notifier = new WebhookNotifier({
      webhooks: config.webhooks,
      repeatInterval: config.repeatInterval,
      retryBackoff: config.retryBackoff,
      externalUrl: options.externalUrl ?? '',
      logger: options.logger,
      notifications,
    });
  }

  private readonly evaluations: Counter<'result'>;

  /** Evaluates now, then every evaluationInterval. */
  start(): this {
    if (!this.config.enabled || this.timer || this.closed) return this;
    const tick = () => {
      this.evaluate()
        .catch((err) => this.options.logger.error({ err }, 'alert evaluation failed'))
        .finally(() => {
          if (!this.closed) this.timer = setTimeout(tick, this.config.evaluationInterval);
        });
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  /** One evaluation of every enabled rule; concurrent callers share a running one. */
  evaluate(): Promise<void> {
    this.running ??= this.evaluateOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Pending and firing alerts, as /api/alerts lists them. */
  alerts(): AlertInstance[] {
    return this.rules.flatMap((r) => r.alerts.list()).filter((a) => a.state !== 'resolved');
  }

  ruleStatuses(): RuleStatus[] {
    return this.rules.map((r) => ({
      def: r.def,
      settings: r.settings,
      alerts: r.alerts.list().filter((a) => a.state !== 'resolved'),
      state: r.alerts.state(),
      health: r.health,
      lastError: r.lastError,
      lastEvaluation: r.lastEvaluation,
      evaluationMs: r.evaluationMs,
    }));
  }

  get lastEvaluationAt(): number | undefined {
    return this.lastEvaluation;
  }

  /** Resolves once every webhook delivery started so far has finished. */
  notificationsSettled(): Promise<void> {
    return this.notifier.settled();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.notifier.close();
  }

  private async evaluateOnce(): Promise<void> {
    const now = this.now();
    await this.history.record(now);
    for (const rule of this.rules) {
      const started = performance.now();
      try {
        const matched = await evaluateRule(rule.def.kind, rule.settings, {
          history: this.history,
          brokerHealth: this.options.brokerHealth,
        });
        rule.alerts.update(matched, now, rule.settings);
        rule.health = 'ok';
        rule.lastError = undefined;
        this.evaluations.inc({ result: 'ok' });
      } catch (err) {
        rule.health = 'err';
        rule.lastError = (err as Error).message;
        this.evaluations.inc({ result: 'error' });
        this.options.logger.warn({ rule: rule.def.alert, err }, 'alert rule evaluation failed');
      }
      rule.lastEvaluation = now;
      rule.evaluationMs = performance.now() - started;
    }
    this.lastEvaluation = now;
    this.notifier.notify(
      this.rules.flatMap((r) => r.alerts.list()),
      now,
    );
  }
}

export type { RuleKind };
