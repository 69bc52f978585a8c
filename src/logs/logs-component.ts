// The log monitor as a platform component: the `logs:` section, the store over the logs topic,
// and Loki's HTTP API with its live tail.

import type { PlatformComponent } from '../platform/index.js';
import { logsConfigFrom, logsConfigSection } from './store/logs-config.js';

const load = () => import('./log-monitor.js');

export const logsComponent: PlatformComponent<typeof logsConfigSection> = {
  name: 'logs',
  section: logsConfigSection,
  load,
  async start({ bootstrap, config, logger, app }) {
    const { startLogMonitor } = await load();
    const monitor = await startLogMonitor({ bootstrap: [bootstrap], config: logsConfigFrom(config), logger });
    app.register(async (scope) => monitor.registerRoutes(scope));
    return { close: () => monitor.close() };
  },
};
