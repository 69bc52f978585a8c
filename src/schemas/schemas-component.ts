// The schema registry as a platform component: the `schemas:` section, and Confluent Schema
// Registry's REST API over the `_schemas` topic.

import type { PlatformComponent } from '../platform/index.js';
import { schemasConfigSection } from './config.js';

const load = () => import('./index.js');

export const schemasComponent: PlatformComponent<typeof schemasConfigSection> = {
  name: 'schemas',
  section: schemasConfigSection,
  load,
  async start({ bootstrap, config, logger, registry, health, app }) {
    if (!config.enabled) return { close: async () => {} };
    const { startSchemaRegistry } = await load();
    const running = startSchemaRegistry({ bootstrap, config, logger, registry, health, app });
    return { ready: () => running.ready(), close: () => running.close() };
  },
};
