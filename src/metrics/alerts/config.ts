// The alert evaluator's section of Sluice's config file (`alerts:`): its JSON Schema, validated by
// the config room (which turns durations like `5m` into ms). A validated section is an AlertConfig.

import { RULES, type RuleKind, type RuleSettings } from './rule-definitions.js';

export interface WebhookConfig {
  url: string;
  /** The `receiver` field of the payload. Default `webhook`. */
  name: string;
  /** Also notify when alerts resolve (Alertmanager's send_resolved). Default true. */
  sendResolved: boolean;
  /** Per attempt, ms. Default 10s. */
  timeout: number;
  /** Further attempts after a failed one, with doubling backoff. Default 3. */
  retries: number;
  /** At most this many alerts per payload, the rest counted in truncatedAlerts; 0 = all. */
  maxAlerts: number;
}

export interface AlertConfig {
  enabled: boolean;
  /** ms between evaluations. Default 15s. */
  evaluationInterval: number;
  /** ms after which a still-firing alert is sent again. Default 4h, as Alertmanager. */
  repeatInterval: number;
  /** First retry waits this long, then twice as long each time, ms. Default 1s. */
  retryBackoff: number;
  webhooks: WebhookConfig[];
  rules: Record<RuleKind, RuleSettings>;
}

/** The configuration with no `alerts:` section: every rule on with its defaults, no webhook. */
export function defaultAlertConfig(): AlertConfig {
  return {
    enabled: true,
    evaluationInterval: 15_000,
    repeatInterval: 4 * 3_600_000,
    retryBackoff: 1000,
    webhooks: [],
    rules: Object.fromEntries(RULES.map((def) => [def.kind, { ...def.defaults }])) as AlertConfig['rules'],
  };
}

function duration(min: number, fallback: number | undefined, description: string) {
  const schema = { unit: { kind: 'duration', min }, description };
  return fallback === undefined ? schema : { ...schema, default: fallback };
}

function ruleSchema(defaults: RuleSettings) {
  const properties: Record<string, unknown> = {
    enabled: { type: 'boolean', default: defaults.enabled },
    for: duration(0, defaults.for, 'how long the condition must hold before the alert fires'),
    severity: { type: 'string', minLength: 1, default: defaults.severity },
  };
  if (defaults.threshold !== undefined) {
    properties.threshold = { type: 'number', minimum: 0, default: defaults.threshold };
  }
  if (defaults.window !== undefined) properties.window = duration(1, defaults.window, 'range of the rate');
  return { type: 'object', additionalProperties: false, default: {}, properties };
}

const DEFAULTS = defaultAlertConfig();

const WEBHOOK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: {
      type: 'string',
      pattern: '^https?://[^\\s/?#]+',
      expected: 'an http or https URL',
      description: "the receiver's URL (Alertmanager webhook payloads)",
    },
    name: { type: 'string', minLength: 1, default: 'webhook', description: "the payload's receiver" },
    sendResolved: { type: 'boolean', default: true, description: 'also notify when alerts resolve' },
    timeout: duration(1, 10_000, 'per attempt'),
    retries: { type: 'integer', minimum: 0, default: 3, description: 'further attempts, doubling backoff' },
    maxAlerts: { type: 'integer', minimum: 0, default: 0, description: 'alerts per payload; 0: all' },
  },
};

export const ALERTS_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: DEFAULTS.enabled, description: 'run the evaluator' },
    evaluationInterval: duration(1, DEFAULTS.evaluationInterval, 'time between evaluations'),
    repeatInterval: duration(1, DEFAULTS.repeatInterval, 'resend a still-firing alert after'),
    retryBackoff: duration(0, DEFAULTS.retryBackoff, 'first retry of a failed webhook after'),
    webhooks: { type: 'array', items: WEBHOOK_SCHEMA, default: [] },
    rules: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: Object.fromEntries(RULES.map((def) => [def.kind, ruleSchema(def.defaults)])),
    },
  },
};

/** The alert evaluator's entry in the config room's list of sections. */
export const alertsConfigSection = {
  name: 'alerts',
  schema: ALERTS_SECTION_SCHEMA,
  /** Type only: what the section resolves to. */
  value: undefined as AlertConfig | undefined,
} as const;
