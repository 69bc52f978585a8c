// The pipelines as a platform component: the `pipelines:` section of the config file, the runtime
// that runs them inside `sluice start`, and their admin API. Light: the runtime loads on start.

import type { PlatformComponent } from '../platform/index.js';
import { pipelinesConfigSection } from './config/section.js';

const load = () => import('./runtime/start-pipelines.js');

export const pipelinesComponent: PlatformComponent<typeof pipelinesConfigSection> = {
  name: 'pipelines',
  endpoints: [
    { method: 'GET', path: '/api/pipelines', description: 'message pipelines: state and counts' },
    {
      method: 'GET',
      path: '/api/pipelines/:name',
      description: 'a pipeline: definition, state, topics, counts',
    },
    {
      method: 'PUT',
      path: '/api/pipelines/:name',
      description: 'apply a pipeline definition (YAML or JSON)',
    },
    { method: 'POST', path: '/api/pipelines/:name/pause', description: 'pause a pipeline (resume: /resume)' },
    { method: 'POST', path: '/api/pipelines/replay', description: 'replay a dead-letter topic' },
  ],
  section: pipelinesConfigSection,
  load,
  async start(context) {
    const { startPipelines } = await load();
    return startPipelines(context);
  },
};
