// `sluice pipeline run`: the pipelines of a file, run in this process against any Kafka cluster
// until SIGINT/SIGTERM. Every definition is compiled first: one that does not compile stops the
// command before anything runs (exit 1, every problem named). A line on stdout says when each
// pipeline runs; the runtime's log goes to stderr.

import { pino } from 'pino';
import {
  HttpSchemaResolver,
  PipelineManager,
  type PipelineSummary,
  parsePipelineFile,
} from '../../pipeline/index.js';
import type { CommandContext } from '../args.js';
import { closeOnSignal, signalWatcher } from '../run-until-signal.js';

export interface RunPipelinesOptions {
  bootstrap: string[];
  text: string;
  file: string;
  registry?: string;
  createTopics: boolean;
  /** How often sources are looked up again (default: the runtime's, 10 s). */
  refreshMs?: number;
}

/** How often the command looks whether a pipeline started, to say so. */
const STATE_POLL_MS = 100;

export async function runPipelines(options: RunPipelinesOptions, context: CommandContext): Promise<number> {
  const section = parsePipelineFile(options.text, options.file);
  const logger = pino({ level: context.env.SLUICE_LOG_LEVEL || 'info' }, pino.destination(2));
  const manager = new PipelineManager({
    bootstrap: options.bootstrap,
    logger,
    ...(options.registry === undefined ? {} : { resolver: new HttpSchemaResolver(options.registry) }),
    runner: {
      createTopics: options.createTopics,
      ...(options.refreshMs === undefined ? {} : { topicRefreshMs: options.refreshMs }),
    },
  });
  for (const [name, definition] of Object.entries(section)) await manager.compile(name, definition);
  const stopping = signalWatcher();
  await manager.load(section, 'config');
  const names = manager.names();
  context.stdout.write(
    `sluice pipeline run: ${names.length} pipeline(s) against ${options.bootstrap.join(',')}: ${names.join(', ')}\n`,
  );
  // Says when a pipeline's state changes (a reader may wait for `pipeline NAME running`).
  const told = new Map<string, string>();
  const tell = (summary: PipelineSummary) => {
    if (summary.state === 'starting' || told.get(summary.name) === summary.state) return;
    told.set(summary.name, summary.state);
    const why = summary.state === 'failed' && summary.error !== undefined ? `: ${summary.error}` : '';
    context.stdout.write(`pipeline ${summary.name} ${summary.state}${why}\n`);
  };
  const watcher = setInterval(() => {
    for (const summary of manager.list()) tell(summary);
  }, STATE_POLL_MS);
  return closeOnSignal(stopping, 'sluice pipeline run', context, async () => {
    clearInterval(watcher);
    await manager.close();
  });
}
