// The schema registry as a platform component: the `schemas:` section, and Confluent Schema
// Registry's REST API over the `_schemas` topic.

import type { PlatformComponent } from '../platform/index.js';
import { schemasConfigSection } from './config.js';

const load = () => import('./index.js');

/** How long the platform's start waits for the registry's first read of `_schemas`; after that it
 * starts anyway and the registry becomes ready (and answers) once the read completes. */
const START_WAIT_MS = 10_000;

export const schemasComponent: PlatformComponent<typeof schemasConfigSection> = {
  name: 'schemas',
  endpoints: [
    { method: 'GET', path: '/subjects', description: 'schema subjects (Confluent Schema Registry API)' },
    {
      method: 'POST',
      path: '/subjects/:subject/versions',
      description: 'register a schema under a subject (Schema Registry)',
    },
    { method: 'GET', path: '/schemas/ids/:id', description: 'a schema by its id (Schema Registry)' },
    { method: 'GET', path: '/schemas/types', description: 'schema types served (Schema Registry)' },
    { method: 'GET', path: '/config', description: 'global compatibility level (Schema Registry)' },
    { method: 'GET', path: '/mode', description: 'global mode (Schema Registry)' },
  ],
  section: schemasConfigSection,
  load,
  async start({ bootstrap, config, logger, registry, health, app, signal }) {
    if (!config.enabled) return { close: async () => {} };
    const { startSchemaRegistry } = await load();
    const running = startSchemaRegistry({ bootstrap, config, logger, registry, health, app });
    // Confluent serves once it has read its topic to the end: so does the platform, within a bound.
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
