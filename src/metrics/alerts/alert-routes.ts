import type { FastifyInstance } from 'fastify';
import type { AlertInstance } from './alert-state.js';
import type { AlertEvaluator } from './evaluator.js';
import { apiFloat } from './template.js';

/**
 * Prometheus's alert and rule endpoints in its own response shapes (`/api/v1/alerts`,
 * `/api/v1/rules`), so tools that read those can read Sluice's built-in evaluator too.
 * Both paths answer: `/api/alerts` and the Prometheus one.
 */
export function registerAlertRoutes(app: FastifyInstance, evaluator: AlertEvaluator): void {
  const alerts = async () => ({ status: 'success', data: { alerts: evaluator.alerts().map(alertJson) } });
  app.get('/api/alerts', alerts);
  app.get('/api/v1/alerts', alerts);

  const rules = async () => {
    const statuses = evaluator.ruleStatuses();
    const last = evaluator.lastEvaluationAt;
    return {
      status: 'success',
      data: {
        groups: [
          {
            name: 'sluice',
            file: 'built-in',
            interval: evaluator.config.evaluationInterval / 1000,
            limit: 0,
            rules: statuses.map((r) => ({
              state: r.state,
              name: r.def.alert,
              query: r.def.expr(r.settings),
              duration: r.settings.for / 1000,
              labels: { severity: r.settings.severity },
              annotations: r.def.annotations,
              alerts: r.alerts.map(alertJson),
              health: r.health,
              ...(r.lastError ? { lastError: r.lastError } : {}),
              evaluationTime: r.evaluationMs / 1000,
              lastEvaluation: time(r.lastEvaluation),
              type: 'alerting',
            })),
            evaluationTime: statuses.reduce((s, r) => s + r.evaluationMs, 0) / 1000,
            lastEvaluation: time(last),
          },
        ],
      },
    };
  };
  app.get('/api/rules', rules);
  app.get('/api/v1/rules', rules);
}

function alertJson(a: AlertInstance) {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: new Date(a.activeAt).toISOString(),
    value: apiFloat(a.value),
  };
}

// Prometheus shows a rule never evaluated with Go's zero time.
function time(ms: number | undefined): string {
  return ms === undefined ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString();
}
