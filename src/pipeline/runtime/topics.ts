// The topics a pipeline touches: its sources (listed names, and those its regex matches, looked up
// again every refresh) and its outputs (routes, unmatched, retry and dead-letter topics), created
// when missing unless topic creation is off.

import { ClientError, type KafkaAdmin } from '../../client/index.js';
import { SluiceError } from '../../errors/index.js';
import type { CompiledPipeline } from '../config/compile.js';

/** Every topic the pipeline writes to. */
export function outputTopics(pipeline: CompiledPipeline): string[] {
  const topics = new Set<string>();
  for (const binding of pipeline.definition.routes.bindings) {
    for (const topic of typeof binding.to === 'string' ? [binding.to] : binding.to) topics.add(topic);
  }
  if (pipeline.unmatched !== 'drop') topics.add(pipeline.unmatched.to);
  for (const { topic } of pipeline.retry.retryTopics) topics.add(topic);
  topics.add(pipeline.retry.deadLetterTopic);
  return [...topics];
}

/** The existing topics the pipeline consumes, sorted (internal topics only when listed by name). */
export async function sourceTopics(admin: KafkaAdmin, pipeline: CompiledPipeline): Promise<string[]> {
  const all = await admin.listTopics({ internal: true });
  const listed = new Set(pipeline.source.topics);
  return all.filter((t) => listed.has(t) || (!t.startsWith('_') && pipeline.source.matches(t))).sort();
}

export interface EnsureOptions {
  /** Create missing topics (default partitions and replicas of the broker). */
  create: boolean;
  /** max.message.bytes of created retry and dead-letter topics: a dead letter is as large as its message. */
  failureTopicMaxBytes: number;
}

/** Creates the missing output topics, or fails naming them when creation is off. */
export async function ensureOutputTopics(
  admin: KafkaAdmin,
  pipeline: CompiledPipeline,
  options: EnsureOptions,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics({ internal: true }));
  const missing = outputTopics(pipeline).filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  if (!options.create) {
    throw new SluiceError(
      'NOT_FOUND',
      `pipeline ${pipeline.name}: output topic(s) ${missing.map((t) => `'${t}'`).join(', ')} do not exist and topic creation is off`,
      { hint: 'create them, or let the pipeline runtime create them' },
    );
  }
  const failureTopics = new Set([
    pipeline.retry.deadLetterTopic,
    ...pipeline.retry.retryTopics.map((r) => r.topic),
  ]);
  for (const topic of missing) {
    const configs: Record<string, string> = failureTopics.has(topic)
      ? { 'max.message.bytes': String(options.failureTopicMaxBytes) }
      : {};
    await admin.createTopic(topic, { configs }).catch((error: unknown) => {
      // Another runner made it first.
      if (!(error instanceof ClientError && error.code === 'CONFLICT')) throw error;
    });
  }
  return missing;
}
