// The pipelines inside `sluice start`: the config file's pipelines and those applied through the
// API (kept in `_sluice_pipelines`), run against the platform's broker; schemas resolved through
// the platform's own HTTP server (Confluent's API, served by the schemas component), so pipelines
// start once it listens. Metrics on the platform's registry, one health indicator per pipeline, and
// the admin API.

import type { ComponentContext, ComponentHandle } from '../../platform/index.js';
import type { PipelinesSection } from '../config/section.js';
import { SYSTEM_CLOCK, sleep } from './clock.js';
import { HttpSchemaResolver } from './http-resolver.js';
import { PipelineManager } from './manager.js';
import { prometheusPipelineMetrics } from './metrics.js';
import { registerPipelineRoutes } from './routes.js';
import { PipelineStore } from './store.js';

const healthName = (pipeline: string) => `pipeline-${pipeline}`;

export async function startPipelines(
  context: ComponentContext<PipelinesSection | undefined>,
): Promise<ComponentHandle> {
  const { logger, health, app, signal, platform } = context;
  const bootstrap = [context.bootstrap];
  const manager = new PipelineManager({
    bootstrap,
    logger,
    resolver: new HttpSchemaResolver(() => platform.url()),
    metrics: prometheusPipelineMetrics(context.registry),
  });

  // One indicator per pipeline, kept in step with the manager's list when health is asked.
  const indicators = new Set<string>();
  const syncIndicators = () => {
    const names = new Set(manager.names());
    for (const name of indicators) {
      if (!names.has(name)) {
        health.remove(healthName(name));
        indicators.delete(name);
      }
    }
    for (const name of names) {
      if (indicators.has(name)) continue;
      indicators.add(name);
      health.add({
        name: healthName(name),
        async check() {
          if (!manager.names().includes(name)) return { status: 'UNKNOWN', details: { deleted: true } };
          const { state, error, group } = manager.summary(name);
          const details = { state, group, ...(error === undefined ? {} : { error }) };
          return { status: state === 'failed' ? 'DOWN' : state === 'starting' ? 'UNKNOWN' : 'UP', details };
        },
      });
    }
  };
  manager.onChange(syncIndicators);

  // A config pipeline that names no registry subject compiles now: a broken expression or topic
  // name stops `sluice start` with the pipeline and key named. Subjects resolve once the registry
  // serves (below), and a pipeline whose subject is unknown then shows as failed.
  const section = context.config ?? {};
  for (const [name, definition] of Object.entries(section)) {
    if (!definition.steps.some((step) => step.subject !== undefined)) await manager.compile(name, definition);
  }

  await app.register(async (scope) => registerPipelineRoutes(scope, { manager, bootstrap }));

  let starting: Promise<void> | undefined;
  app.addHook('onListen', async () => {
    starting = (async () => {
      await manager.load(section, 'config');
      // The store may not open at once (a broker still starting): keep trying until closed.
      for (let delay = 200; !signal.aborted; delay = Math.min(delay * 2, 5_000)) {
        try {
          const { store, stored } = await PipelineStore.open(bootstrap);
          if (signal.aborted) {
            await store.close();
            return;
          }
          await manager.attachStore(store, stored);
          return;
        } catch (error) {
          logger.warn({ err: error }, 'cannot open the pipelines topic yet; trying again');
          await sleep(SYSTEM_CLOCK, delay, signal);
        }
      }
    })();
  });

  return {
    async close() {
      await starting?.catch(() => {});
      await manager.close();
    },
  };
}
