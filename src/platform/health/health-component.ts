// Health and Spring Boot Actuator as a platform component: the broker and disk-space indicators
// and the /actuator and /metrics routes. First in the list, so later components find `broker`.

import type { PlatformComponent } from '../component.js';

const load = () =>
  Promise.all([import('../actuator-routes.js'), import('./disk-space.js'), import('./kafka-health.js')]);

export const healthComponent: PlatformComponent<undefined> = {
  name: 'health',
  section: undefined,
  endpoints: [
    { method: 'GET', path: '/metrics', description: 'Prometheus metrics of the broker and platform' },
    {
      method: 'GET',
      path: '/actuator/health',
      description: 'health, as Spring Boot Actuator (503 when DOWN)',
    },
    { method: 'GET', path: '/actuator/health/liveness', description: 'liveness probe' },
    { method: 'GET', path: '/actuator/health/readiness', description: 'readiness probe' },
    { method: 'GET', path: '/actuator/info', description: 'version and Kafka address' },
    { method: 'GET', path: '/actuator/prometheus', description: 'Prometheus metrics (Actuator path)' },
  ],
  load,
  async start({ app, bootstrap, health, registry, platform }) {
    const [{ registerActuatorRoutes }, { diskSpaceIndicator }, { kafkaIndicator }] = await load();
    health.add(kafkaIndicator(() => bootstrap));
    health.add(diskSpaceIndicator(platform.dataDir));
    app.register(async (scope) =>
      registerActuatorRoutes(scope, {
        health,
        registry,
        ready: platform.ready,
        info: () => ({
          app: { name: 'sluice', version: platform.version, description: 'Sluice event-streaming platform' },
          kafka: { bootstrap, clusterId: platform.clusterId },
        }),
      }),
    );
    return { close: async () => {} };
  },
};
