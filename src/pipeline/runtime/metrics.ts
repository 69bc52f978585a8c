// The runtime's counts, per pipeline: kept by each runner for the admin API, and exported to
// Prometheus when the runner is given a registry (inside `sluice start`).

import { Counter, Histogram, type Registry } from 'prom-client';

export interface PipelineCounts {
  /** Messages read (sources and retry topics). */
  in: number;
  /** Records written to route targets (and the unmatched topic): one message to 3 topics counts 3. */
  out: number;
  filtered: number;
  /** Messages no binding took, dropped by `unmatched: drop`. */
  dropped: number;
  /** Messages sent to a retry topic. */
  retried: number;
  deadLettered: number;
  /** Failed tries (each in-process try counts). */
  errors: number;
}

export const emptyCounts = (): PipelineCounts => ({
  in: 0,
  out: 0,
  filtered: 0,
  dropped: 0,
  retried: 0,
  deadLettered: 0,
  errors: 0,
});

/** What a runner reports as it works; the Prometheus side of it. */
export interface PipelineMetrics {
  read(pipeline: string, topic: string): void;
  written(pipeline: string, topic: string): void;
  filtered(pipeline: string): void;
  dropped(pipeline: string): void;
  retried(pipeline: string, topic: string): void;
  deadLettered(pipeline: string, topic: string, stage: string): void;
  failed(pipeline: string, stage: string): void;
  /** Seconds one message took through its steps and routes. */
  processed(pipeline: string, seconds: number): void;
  /** Seconds one step took on one message (`step`: its index in `steps`). */
  stepTook(pipeline: string, step: number, type: string, seconds: number): void;
}

export function prometheusPipelineMetrics(registry: Registry): PipelineMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const input = counter('sluice_pipeline_messages_in_total', 'Messages a pipeline read, by source topic.', [
    'pipeline',
    'topic',
  ]);
  const output = counter(
    'sluice_pipeline_messages_out_total',
    'Records a pipeline wrote to a route target, by target topic (the route).',
    ['pipeline', 'route'],
  );
  const filtered = counter('sluice_pipeline_filtered_total', 'Messages a filter step dropped.', ['pipeline']);
  const dropped = counter(
    'sluice_pipeline_unmatched_dropped_total',
    'Messages no binding took, dropped by `unmatched: drop`.',
    ['pipeline'],
  );
  const retried = counter('sluice_pipeline_retried_total', 'Messages sent to a retry topic.', [
    'pipeline',
    'topic',
  ]);
  const deadLettered = counter(
    'sluice_pipeline_dead_lettered_total',
    'Messages sent to the dead-letter topic, by the stage that failed.',
    ['pipeline', 'topic', 'stage'],
  );
  const errors = counter('sluice_pipeline_errors_total', 'Failed tries of a message, by stage.', [
    'pipeline',
    'stage',
  ]);
  const latency = new Histogram({
    name: 'sluice_pipeline_process_duration_seconds',
    help: 'Time one message took through the steps and routes of a pipeline (one try).',
    labelNames: ['pipeline'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const stepLatency = new Histogram({
    name: 'sluice_pipeline_step_duration_seconds',
    help: 'Time one step of a pipeline took on one message, by step index and type.',
    labelNames: ['pipeline', 'step', 'type'],
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.25],
    registers: [registry],
  });
  return {
    stepTook: (pipeline, step, type, seconds) =>
      stepLatency.observe({ pipeline, step: String(step), type }, seconds),
    read: (pipeline, topic) => input.inc({ pipeline, topic }),
    written: (pipeline, route) => output.inc({ pipeline, route }),
    filtered: (pipeline) => filtered.inc({ pipeline }),
    dropped: (pipeline) => dropped.inc({ pipeline }),
    retried: (pipeline, topic) => retried.inc({ pipeline, topic }),
    deadLettered: (pipeline, topic, stage) => deadLettered.inc({ pipeline, topic, stage }),
    failed: (pipeline, stage) => errors.inc({ pipeline, stage }),
    processed: (pipeline, seconds) => latency.observe({ pipeline }, seconds),
  };
}
