import { SluiceError, type SluiceErrorOptions } from '../../errors/index.js';
import { parseDuration } from './duration.js';
import { RULE_KINDS, RULES, type RuleKind, type RuleSettings } from './rule-definitions.js';

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

export class AlertConfigError extends SluiceError {
  constructor(message: string, options?: SluiceErrorOptions) {
    super('INVALID_CONFIG', message, options);
  }
}

const TOP_KEYS = ['enabled', 'evaluationInterval', 'repeatInterval', 'retryBackoff', 'webhooks', 'rules'];
const WEBHOOK_KEYS = ['url', 'name', 'sendResolved', 'timeout', 'retries', 'maxAlerts'];

/**
 * Validates the `alerts:` section of the config file. Every key has a default; errors name the
 * key as a path (`alerts.rules.consumerLag.for`) and say what was expected.
 */
export function parseAlertConfig(raw: unknown): AlertConfig {
  const at = 'alerts';
  const section = raw === undefined || raw === null ? {} : mapping(raw, at);
  checkKeys(section, TOP_KEYS, at);
  const rules = {} as Record<RuleKind, RuleSettings>;
  const rawRules =
    section.rules === undefined || section.rules === null ? {} : mapping(section.rules, `${at}.rules`);
  checkKeys(rawRules, RULE_KINDS, `${at}.rules`);
  for (const def of RULES)
    rules[def.kind] = parseRule(rawRules[def.kind], def.defaults, `${at}.rules.${def.kind}`);
  const rawHooks = section.webhooks ?? [];
  if (!Array.isArray(rawHooks)) throw new AlertConfigError(`${at}.webhooks: expected a list of { url, ... }`);
  return {
    enabled: bool(section.enabled, true, `${at}.enabled`),
    evaluationInterval: duration(section.evaluationInterval, 15_000, `${at}.evaluationInterval`, true),
    repeatInterval: duration(section.repeatInterval, 4 * 3_600_000, `${at}.repeatInterval`, true),
    retryBackoff: duration(section.retryBackoff, 1000, `${at}.retryBackoff`),
    webhooks: rawHooks.map((h, i) => parseWebhook(h, `${at}.webhooks[${i}]`)),
    rules,
  };
}

function parseRule(raw: unknown, defaults: RuleSettings, at: string): RuleSettings {
  const section = raw === undefined || raw === null ? {} : mapping(raw, at);
  const keys = ['enabled', 'for', 'severity'];
  if (defaults.threshold !== undefined) keys.push('threshold');
  if (defaults.window !== undefined) keys.push('window');
  checkKeys(section, keys, at);
  const settings: RuleSettings = {
    enabled: bool(section.enabled, defaults.enabled, `${at}.enabled`),
    for: duration(section.for, defaults.for, `${at}.for`),
    severity: text(section.severity, defaults.severity, `${at}.severity`),
  };
  if (defaults.threshold !== undefined) {
    settings.threshold = number(section.threshold, defaults.threshold, `${at}.threshold`);
  }
  if (defaults.window !== undefined)
    settings.window = duration(section.window, defaults.window, `${at}.window`, true);
  return settings;
}

function parseWebhook(raw: unknown, at: string): WebhookConfig {
  const section = mapping(raw, at);
  checkKeys(section, WEBHOOK_KEYS, at);
  if (section.url === undefined)
    throw new AlertConfigError(`${at}.url: required (the receiver's http(s) URL)`);
  const url = text(section.url, '', `${at}.url`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AlertConfigError(`${at}.url: '${url}' is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AlertConfigError(`${at}.url: expected an http or https URL, got '${url}'`);
  }
  const retries = number(section.retries, 3, `${at}.retries`);
  const maxAlerts = number(section.maxAlerts, 0, `${at}.maxAlerts`);
  for (const [key, n] of [
    ['retries', retries],
    ['maxAlerts', maxAlerts],
  ] as const) {
    if (!Number.isInteger(n) || n < 0)
      throw new AlertConfigError(`${at}.${key}: expected a whole number ≥ 0`);
  }
  return {
    url,
    name: text(section.name, 'webhook', `${at}.name`),
    sendResolved: bool(section.sendResolved, true, `${at}.sendResolved`),
    timeout: duration(section.timeout, 10_000, `${at}.timeout`, true),
    retries,
    maxAlerts,
  };
}

function mapping(raw: unknown, at: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AlertConfigError(`${at}: expected a mapping`);
  }
  return raw as Record<string, unknown>;
}

function checkKeys(section: Record<string, unknown>, known: readonly string[], at: string): void {
  for (const key of Object.keys(section)) {
    if (!known.includes(key)) {
      throw new AlertConfigError(`${at}.${key}: unknown key (known: ${known.join(', ')})`);
    }
  }
}

function bool(raw: unknown, fallback: boolean, at: string): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') throw new AlertConfigError(`${at}: expected true or false, got ${show(raw)}`);
  return raw;
}

function text(raw: unknown, fallback: string, at: string): string {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || raw === '') throw new AlertConfigError(`${at}: expected a non-empty string`);
  return raw;
}

function number(raw: unknown, fallback: number, at: string): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
    throw new AlertConfigError(`${at}: expected a number ≥ 0, got ${show(raw)}`);
  }
  return raw;
}

function duration(raw: unknown, fallback: number, at: string, positive = false): number {
  if (raw === undefined) return fallback;
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined)
    throw new AlertConfigError(`${at}: expected a duration like 30s, 5m or 1h, got ${show(raw)}`);
  if (positive && ms === 0) throw new AlertConfigError(`${at}: must be longer than 0s`);
  return ms;
}

function show(raw: unknown): string {
  return typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw);
}
