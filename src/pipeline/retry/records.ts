// The records a failed message becomes: on a retry topic (to be tried again at `sluice.retry.due`)
// or on the dead-letter topic (with why it failed). Either keeps the producer's key, value, headers
// and timestamp, and says where the message first came from, so that replay can put it back as it
// was. A message that failed before (read from a retry topic) keeps its first origin.

import type { StepFailure } from '../failure.js';
import type { Header, PipelineMessage } from '../message.js';
import {
  CONNECT_HEADER_PREFIX,
  HEADER,
  readPipelineHeaders,
  text,
  withoutPipelineHeaders,
} from './headers.js';

/** A record to produce: the runtime hands it to its Kafka client as is. */
export interface OutputRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly Header[];
  readonly timestamp: number;
}

export interface FailedMessage {
  readonly pipeline: string;
  /** As read: from the source or a retry topic (its pipeline headers say where it came from). */
  readonly message: PipelineMessage;
  readonly failure: StepFailure;
  /** Tries so far in all, the failed one included. */
  readonly attempts: number;
}

/** Where the message first came from: its own headers if it went round a retry topic, else its source. */
function originHeaders(message: PipelineMessage): Header[] {
  const earlier = readPipelineHeaders(message.headers).original;
  const origin = earlier ?? { ...message.source, timestamp: message.timestamp };
  return [
    [HEADER.topic, text(origin.topic)],
    [HEADER.partition, text(origin.partition)],
    [HEADER.offset, text(origin.offset)],
    [HEADER.timestamp, text(origin.timestamp ?? message.timestamp)],
  ];
}

function errorHeaders(failed: FailedMessage): Header[] {
  const { failure } = failed;
  const headers: Header[] = [
    [HEADER.stage, text(failure.stage)],
    [HEADER.reason, text(failure.reason)],
    [HEADER.pipeline, text(failed.pipeline)],
  ];
  if (failure.step !== undefined) headers.push([HEADER.step, text(failure.step)]);
  if (failure.stepType !== undefined) headers.push([HEADER.stepType, text(failure.stepType)]);
  return headers;
}

/** Connect's stage names, for tools that read Connect's dead-letter headers. */
const CONNECT_STAGE = {
  validate: 'VALUE_CONVERTER',
  transform: 'TRANSFORMATION',
  route: 'TRANSFORMATION',
} as const;

function connectHeaders(failed: FailedMessage): Header[] {
  const origin = readPipelineHeaders(failed.message.headers).original ?? failed.message.source;
  const p = CONNECT_HEADER_PREFIX;
  return [
    [`${p}topic`, text(origin.topic)],
    [`${p}partition`, text(origin.partition)],
    [`${p}offset`, text(origin.offset)],
    [`${p}connector.name`, text(failed.pipeline)],
    [`${p}task.id`, text(0)],
    [`${p}stage`, text(CONNECT_STAGE[failed.failure.stage])],
    [`${p}class.name`, text(failed.failure.stepType ?? 'route')],
    [`${p}exception.class.name`, text('sluice.pipeline.StepFailure')],
    [`${p}exception.message`, text(failed.failure.reason)],
  ];
}

function originalTimestamp(message: PipelineMessage): number {
  return readPipelineHeaders(message.headers).original?.timestamp ?? message.timestamp;
}

export function deadLetterRecord(
  failed: FailedMessage,
  topic: string,
  options: { connectHeaders?: boolean } = {},
): OutputRecord {
  const { message } = failed;
  return {
    topic,
    key: message.key,
    value: message.value,
    headers: [
      ...withoutPipelineHeaders(message.headers),
      ...errorHeaders(failed),
      ...originHeaders(message),
      [HEADER.attempts, text(failed.attempts)],
      ...(options.connectHeaders ? connectHeaders(failed) : []),
    ],
    timestamp: originalTimestamp(message),
  };
}

export function retryRecord(
  failed: FailedMessage,
  retry: { topic: string; round: number; due: number },
): OutputRecord {
  const { message } = failed;
  return {
    topic: retry.topic,
    key: message.key,
    value: message.value,
    headers: [
      ...withoutPipelineHeaders(message.headers),
      ...errorHeaders(failed),
      ...originHeaders(message),
      [HEADER.attempts, text(failed.attempts)],
      [HEADER.retryRound, text(retry.round)],
      [HEADER.retryDue, text(retry.due)],
    ],
    timestamp: originalTimestamp(message),
  };
}
