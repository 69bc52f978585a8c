// The gateway as a platform component: the `gateway:` section of the config file and, when
// `gateway.enabled`, the gateway inside `sluice start`. It runs on a worker thread of its own: off
// the broker's thread and off the platform thread, whose CPU governor holds requests back when
// that thread is busy; a proxy must not wait behind a log query.

import type { PlatformComponent } from '../platform/index.js';
import { gatewayConfigSection } from './config.js';

export const gatewayComponent: PlatformComponent<typeof gatewayConfigSection> = {
  name: 'gateway',
  section: gatewayConfigSection,
  load: () => import('./gateway-thread.js'),
  async start({ bootstrap, config, logger }) {
    if (!config.enabled) return { close: async () => {} };
    const { startGatewayThread } = await import('./gateway-thread.js');
    const thread = await startGatewayThread({ config, bootstrap, logLevel: logger.level });
    logger.info({ url: thread.url, routes: config.routes.length }, 'gateway listening');
    return { close: () => thread.close() };
  },
};
