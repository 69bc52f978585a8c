// The built-in alert evaluator as a platform component: the `alerts:` section, its rules' timer,
// and Prometheus' /api/v1/rules and /api/v1/alerts routes.

import type { PlatformComponent } from '../../platform/index.js';
import { alertsConfigSection } from './config.js';

const load = () => Promise.all([import('./index.js'), import('./alert-routes.js')]);

export const alertsComponent: PlatformComponent<typeof alertsConfigSection> = {
  name: 'alerts',
  endpoints: [
    { method: 'GET', path: '/api/alerts', description: 'firing and pending alerts (Prometheus format)' },
    { method: 'GET', path: '/api/rules', description: 'alert rules and their state (Prometheus format)' },
  ],
  section: alertsConfigSection,
  load,
  async start({ config, registry, logger, health, app, platform }) {
    const [{ startAlertEvaluator }, { registerAlertRoutes }] = await load();
    const evaluator = startAlertEvaluator({
      config,
      registry,
      logger,
      // The health component's broker probe also serves the broker-down rule: one probe, one answer.
      brokerHealth: () => health.check('broker').then((r) => (r.status === 'DOWN' ? 'DOWN' : 'UP')),
      externalUrl: platform.url,
    });
    app.register(async (scope) => registerAlertRoutes(scope, evaluator));
    return { close: () => evaluator.close() };
  },
};
