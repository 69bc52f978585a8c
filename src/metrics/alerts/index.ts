// The alerts room's only door: the built-in evaluator, its config section and its HTTP routes.
import type { AlertEvaluator, AlertEvaluatorOptions } from './evaluator.js';
import { AlertEvaluator as Evaluator } from './evaluator.js';

export { registerAlertRoutes } from './alert-routes.js';
export type { AlertInstance, AlertState } from './alert-state.js';
export {
  type AlertConfig,
  alertsConfigSection,
  defaultAlertConfig,
  type WebhookConfig,
} from './config.js';
export { formatDuration } from './duration.js';
export type { AlertEvaluator, AlertEvaluatorOptions, RuleStatus } from './evaluator.js';
export { BURROW_STATUS, isKnownMetric, KNOWN_METRICS } from './known-metrics.js';
export type { WebhookPayload } from './payload.js';
export {
  RULE_KINDS,
  RULES,
  type RuleDefinition,
  type RuleKind,
  type RuleSettings,
} from './rule-definitions.js';

/** Starts the built-in evaluator (no timer when `config.enabled` is false); `close()` stops it. */
export function startAlertEvaluator(options: AlertEvaluatorOptions): AlertEvaluator {
  return new Evaluator(options).start();
}
