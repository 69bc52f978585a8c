// The log monitor as a platform component: the `logs:` section, the store over the logs topic,
// and Loki's HTTP API with its live tail.

import type { PlatformComponent } from '../platform/index.js';
import { logsConfigFrom, logsConfigSection } from './store/logs-config.js';

const load = () => import('./log-monitor.js');

export const logsComponent: PlatformComponent<typeof logsConfigSection> = {
  name: 'logs',
  endpoints: [
    { method: 'POST', path: '/loki/api/v1/push', description: 'push log lines (Loki API)' },
    {
      method: 'GET',
      path: '/loki/api/v1/query_range',
      description: 'LogQL query over a time range (Loki API)',
    },
    { method: 'GET', path: '/loki/api/v1/query', description: 'LogQL instant query (Loki API)' },
    { method: 'GET', path: '/loki/api/v1/labels', description: 'log label names (Loki API)' },
    {
      method: 'GET',
      path: '/loki/api/v1/tail',
      description: 'live tail over WebSocket (Loki API)',
      websocket: true,
    },
  ],
  section: logsConfigSection,
  load,
  async start({ bootstrap, config, logger, app }) {
    const { startLogMonitor } = await load();
    const monitor = await startLogMonitor({ bootstrap: [bootstrap], config: logsConfigFrom(config), logger });
    app.register(async (scope) => monitor.registerRoutes(scope));
    return { close: () => monitor.close() };
  },
};
