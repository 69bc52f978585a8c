// The gateway as a platform component: the `gateway:` section of the config file and, when
// `gateway.enabled`, the gateway inside `sluice start`. It runs on a worker thread of its own: off
// the broker's thread and off the platform thread, whose CPU governor holds requests back when
// that thread is busy; a proxy must not wait behind a log query.

import type { PlatformComponent } from '../platform/index.js';
import { MetricsMirror } from '../platform/worker/metrics-mirror.js';
import { gatewayConfigSection } from './config.js';
import { GATEWAY_METRIC_NAMES } from './observe.js';

export const gatewayComponent: PlatformComponent<typeof gatewayConfigSection> = {
  name: 'gateway',
  section: gatewayConfigSection,
  load: () => import('./gateway-thread.js'),
  async start({ bootstrap, config, logger, registry }) {
    if (!config.enabled) return { close: async () => {} };
    const { startGatewayThread } = await import('./gateway-thread.js');
    const thread = await startGatewayThread({ config, bootstrap, logLevel: logger.level });
    // The gateway's series live on its thread; stand-ins in the platform's registry read them there.
    const mirror = new MetricsMirror(thread.metricsEndpoint, registry);
    await mirror.sync();
    logger.info(
      { url: thread.url, admin: thread.adminUrl, routes: config.routes.length },
      'gateway listening',
    );
    return {
      async close() {
        // A stand-in left behind would make every later scrape wait for a thread that is gone.
        for (const name of GATEWAY_METRIC_NAMES) registry.removeSingleMetric(name);
        await thread.close();
      },
    };
  },
};
