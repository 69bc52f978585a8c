// The config server as a platform component: the `configServer:` section, Spring Cloud Config
// Server's API under its prefix (default /config), /monitor, the admin API and bus events.

import type { PlatformComponent } from '../platform/index.js';
import { configServerConfigSection } from './config.js';

const load = () => import('./index.js');

/** How long the platform's start waits for the first read of the values topic. */
const START_WAIT_MS = 10_000;

export const configServerComponent: PlatformComponent<typeof configServerConfigSection> = {
  name: 'configServer',
  // Spring's API (`GET /config/{application}/{profiles}`) is one wildcard route, not listed.
  endpoints: [
    {
      method: 'GET',
      path: '/api/config/properties',
      description: 'stored configuration properties (config server)',
    },
    { method: 'GET', path: '/api/config/history', description: 'every configuration change (config server)' },
    {
      method: 'PUT',
      path: '/api/config/properties/:application/:profile/:key',
      description: 'set a configuration property; refreshes its services over the bus',
    },
    {
      method: 'POST',
      path: '/config/monitor',
      description: 'signed git webhook: refresh services over the bus',
    },
  ],
  section: configServerConfigSection,
  load,
  async start({ bootstrap, config, logger, registry, health, app, signal, platform }) {
    if (!config.enabled) return { close: async () => {} };
    const { startConfigServer } = await load();
    const running = startConfigServer({
      bootstrap,
      config,
      logger,
      registry,
      health,
      app,
      port: () => new URL(platform.url() || 'http://x:0').port,
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      running.caughtUp,
      new Promise((resolve) => {
        timer = setTimeout(resolve, START_WAIT_MS);
        signal.addEventListener('abort', resolve, { once: true });
      }),
    ]);
    clearTimeout(timer);
    return { ready: () => running.ready(), close: () => running.close() };
  },
};
