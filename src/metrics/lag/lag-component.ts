// The lag monitor as a platform component: kafka_exporter's lag metrics and Burrow's HTTP routes.

import type { PlatformComponent } from '../../platform/index.js';

const load = () => Promise.all([import('./lag-monitor.js'), import('./lag-routes.js')]);

export const lagComponent: PlatformComponent<undefined> = {
  name: 'lag',
  section: undefined,
  endpoints: [
    { method: 'GET', path: '/api/groups', description: 'consumer groups and their lag status (Burrow)' },
    { method: 'GET', path: '/api/groups/:group/status', description: "one group's lag status (Burrow)" },
  ],
  load,
  async start({ bootstrap, registry, logger, app }) {
    const [{ startLagMonitor }, { registerLagRoutes }] = await load();
    const monitor = await startLagMonitor({ bootstrap: [bootstrap], registry, logger });
    app.register(async (scope) => registerLagRoutes(scope, monitor));
    return { close: () => monitor.close() };
  },
};
