// The headers a pipeline writes on retry and dead-letter records, and the pure functions that read
// them back (for retry consumption, replay and the console). Values are UTF-8 text, numbers in
// decimal, as Kafka Connect writes its `__connect.errors.*` headers.

import type { FailureStage } from '../failure.js';
import { type Header, type MessageSource, PipelineMessage } from '../message.js';

export const HEADER = {
  stage: 'sluice.error.stage',
  reason: 'sluice.error.reason',
  pipeline: 'sluice.error.pipeline',
  step: 'sluice.error.step',
  stepType: 'sluice.error.step.type',
  topic: 'sluice.original.topic',
  partition: 'sluice.original.partition',
  offset: 'sluice.original.offset',
  timestamp: 'sluice.original.timestamp',
  attempts: 'sluice.attempts',
  retryRound: 'sluice.retry.round',
  retryDue: 'sluice.retry.due',
} as const;

/** Kafka Connect's names for the same facts (errors.deadletterqueue.context.headers.enable). */
export const CONNECT_HEADER_PREFIX = '__connect.errors.';

/** Whether a header is bookkeeping of a pipeline (ours or Connect's), not the producer's. */
export function isPipelineHeader(name: string): boolean {
  return (
    name.startsWith('sluice.error.') ||
    name.startsWith('sluice.original.') ||
    name.startsWith('sluice.retry.') ||
    name === HEADER.attempts ||
    name.startsWith(CONNECT_HEADER_PREFIX)
  );
}

export function withoutPipelineHeaders(headers: readonly Header[]): Header[] {
  return headers.filter(([name]) => !isPipelineHeader(name));
}

export const text = (value: string | number | bigint): Buffer => Buffer.from(String(value), 'utf8');

/** What a retry or dead-letter record says about itself. Absent fields were not written. */
export interface PipelineHeaders {
  readonly error?: {
    readonly stage?: FailureStage;
    readonly reason?: string;
    readonly pipeline?: string;
    readonly step?: number;
    readonly stepType?: string;
  };
  readonly original?: MessageSource & { readonly timestamp?: number };
  readonly attempts?: number;
  readonly retry?: { readonly round: number; readonly due: number };
}

function last(headers: readonly Header[], name: string): string | undefined {
  for (let i = headers.length - 1; i >= 0; i--)
    if (headers[i][0] === name) return headers[i][1].toString('utf8');
  return undefined;
}

function integer(textValue: string | undefined): number | undefined {
  if (textValue === undefined || !/^-?\d+$/.test(textValue)) return undefined;
  const n = Number(textValue);
  return Number.isSafeInteger(n) ? n : undefined;
}

const STAGES: readonly string[] = ['validate', 'transform', 'route'];

/** Reads the pipeline's headers back; a malformed one reads as absent rather than failing. */
export function readPipelineHeaders(headers: readonly Header[]): PipelineHeaders {
  const stage = last(headers, HEADER.stage);
  const reason = last(headers, HEADER.reason);
  const pipeline = last(headers, HEADER.pipeline);
  const step = integer(last(headers, HEADER.step));
  const stepType = last(headers, HEADER.stepType);
  const topic = last(headers, HEADER.topic);
  const partition = integer(last(headers, HEADER.partition));
  const offset = last(headers, HEADER.offset);
  const timestamp = integer(last(headers, HEADER.timestamp));
  const attempts = integer(last(headers, HEADER.attempts));
  const round = integer(last(headers, HEADER.retryRound));
  const due = integer(last(headers, HEADER.retryDue));
  const anyError = [stage, reason, pipeline, step, stepType].some((v) => v !== undefined);
  const result: {
    -readonly [K in keyof PipelineHeaders]: PipelineHeaders[K];
  } = {};
  if (anyError) {
    result.error = {
      ...(stage !== undefined && STAGES.includes(stage) ? { stage: stage as FailureStage } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(pipeline !== undefined ? { pipeline } : {}),
      ...(step !== undefined ? { step } : {}),
      ...(stepType !== undefined ? { stepType } : {}),
    };
  }
  if (topic !== undefined && partition !== undefined && offset !== undefined && /^\d+$/.test(offset)) {
    result.original = {
      topic,
      partition,
      offset: BigInt(offset),
      ...(timestamp !== undefined ? { timestamp } : {}),
    };
  }
  if (attempts !== undefined) result.attempts = attempts;
  if (round !== undefined && due !== undefined) result.retry = { round, due };
  return result;
}

/**
 * A message read back from a retry or dead-letter topic as the pipeline first saw it: the
 * producer's key, value and headers, the original topic, partition, offset and timestamp.
 */
export function originalMessage(record: PipelineMessage): PipelineMessage {
  const read = readPipelineHeaders(record.headers);
  const original = read.original;
  const source =
    original === undefined
      ? record.source
      : { topic: original.topic, partition: original.partition, offset: original.offset };
  return new PipelineMessage({
    key: record.key,
    value: record.value,
    headers: withoutPipelineHeaders(record.headers),
    timestamp: original?.timestamp ?? record.timestamp,
    source,
  });
}
