// The service registry as a platform component: the `registry:` section, and Eureka's REST API
// (under /eureka and /eureka/v2) over the `sluice-registry-events` topic.

import type { PlatformComponent } from '../platform/index.js';
import { registryConfigSection } from './config.js';

const load = () => import('./index.js');

/** How long the platform's start waits for the rebuild from the events topic; after that it starts
 * anyway and the registry answers once the rebuild completes. */
const START_WAIT_MS = 10_000;

export const registryComponent: PlatformComponent<typeof registryConfigSection> = {
  name: 'registry',
  endpoints: [
    { method: 'GET', path: '/eureka/apps', description: 'registered applications (Eureka REST API)' },
    { method: 'GET', path: '/eureka/apps/delta', description: 'changes of the last 3 minutes (Eureka)' },
    { method: 'POST', path: '/eureka/apps/:app', description: 'register an instance (Eureka)' },
    {
      method: 'GET',
      path: '/eureka/v2/apps',
      description: 'the same API under /eureka/v2 (eureka-js-client)',
    },
  ],
  section: registryConfigSection,
  load,
  async start({ bootstrap, config, logger, registry, health, app, signal }) {
    if (!config.enabled) return { close: async () => {} };
    const { startServiceRegistry } = await load();
    const running = startServiceRegistry({ bootstrap, config, logger, registry, health, app });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      running.rebuilt,
      new Promise((resolve) => {
        timer = setTimeout(resolve, START_WAIT_MS);
        signal.addEventListener('abort', resolve, { once: true });
      }),
    ]);
    clearTimeout(timer);
    return { ready: () => running.ready(), close: () => running.close() };
  },
};
