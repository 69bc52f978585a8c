// Replays a dead-letter topic: each dead letter is produced again as the producer first wrote it
// (key, value, its own headers without the pipeline's, its original timestamp) to the topic it was
// first read from, or to `to`. A range (offsets, or the dead letters' timestamps, which are the
// original messages' times) and a JSONata filter pick which; the filter reads the dead letter's
// value as JSON and its headers (`$headers."sluice.error.stage"`). Reads up to the end the topic
// had when the replay started, so the replay ends even while dead letters keep coming.

import {
  ClientError,
  KafkaAdmin,
  KafkaProducer,
  PartitionReader,
  type RecordToProduce,
} from '../../client/index.js';
import { ConfigError } from '../../config/index.js';
import { SluiceError } from '../../errors/index.js';
import {
  compileExpression,
  DEFAULT_EXPRESSION_LIMITS,
  ExpressionSyntaxError,
  truthy,
} from '../expression.js';
import { originalMessage } from '../retry/headers.js';
import { topicNameProblem } from '../topic-name.js';
import { messageOf, outputOf, toProduce } from './records.js';

export interface ReplayOptions {
  readonly bootstrap: string[];
  /** The dead-letter topic. */
  readonly topic: string;
  /** Where to send every replayed message; default each one's original topic. */
  readonly to?: string;
  readonly filter?: string;
  /** First offset replayed (in every partition). */
  readonly fromOffset?: bigint;
  /** Last offset replayed (in every partition), included. */
  readonly toOffset?: bigint;
  /** Dead letters with a timestamp from (included) ... to (included), ms since the epoch. */
  readonly fromTime?: number;
  readonly toTime?: number;
  /** Called after each batch: records read so far of `total` to read. */
  readonly progress?: (read: number, total: number) => void;
}

export interface ReplayResult {
  /** Dead letters looked at. */
  readonly read: number;
  readonly replayed: number;
  /** Left out by the filter or the time range. */
  readonly skipped: number;
  /** Without an original topic (not a pipeline's dead letter) and no `to`. */
  readonly unknownOrigin: number;
  /** Replayed messages by the topic they went to. */
  readonly topics: Record<string, number>;
}

const BATCH = 500;
const POLL_WAIT_MS = 200;

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  if (options.to !== undefined) {
    const problem = topicNameProblem(options.to);
    if (problem !== undefined) throw new SluiceError('INVALID_ARGUMENT', `to: ${problem}`);
  }
  let filter: ReturnType<typeof compileExpression> | undefined;
  if (options.filter !== undefined) {
    try {
      filter = compileExpression(options.filter, DEFAULT_EXPRESSION_LIMITS);
    } catch (error) {
      if (error instanceof ExpressionSyntaxError)
        throw new ConfigError([{ key: 'filter', message: error.message }]);
      throw error;
    }
  }
  if (options.to !== undefined) {
    // Said before anything is read, rather than by the first send.
    const admin = new KafkaAdmin({ bootstrap: options.bootstrap, clientId: 'sluice-replay' });
    try {
      await admin.describeTopic(options.to);
    } catch (error) {
      if (error instanceof ClientError && error.code === 'NOT_FOUND')
        throw new SluiceError('NOT_FOUND', `topic '${options.to}' (--to) does not exist: create it first`);
      throw error;
    } finally {
      await admin.close().catch(() => {});
    }
  }
  const reader = await PartitionReader.open({
    bootstrap: options.bootstrap,
    topic: options.topic,
    start: 'earliest',
    clientId: 'sluice-replay',
  });
  const producer = new KafkaProducer({
    bootstrap: options.bootstrap,
    clientId: 'sluice-replay',
    acks: 'all',
  });
  const result = { read: 0, replayed: 0, skipped: 0, unknownOrigin: 0, topics: {} as Record<string, number> };
  try {
    const ends = await reader.endOffsets();
    const starts = new Map<number, bigint>();
    for (const [partition, position] of reader.positions) {
      let start = position;
      if (options.fromOffset !== undefined && options.fromOffset > start) start = options.fromOffset;
      starts.set(partition, start);
      reader.seek(partition, start);
    }
    /** Per partition, the offset after the last one to read. */
    const stops = new Map<number, bigint>();
    let total = 0;
    for (const [partition, end] of ends) {
      let stop = end;
      if (options.toOffset !== undefined && options.toOffset + 1n < stop) stop = options.toOffset + 1n;
      stops.set(partition, stop);
      const start = starts.get(partition) ?? 0n;
      if (stop > start) total += Number(stop - start);
    }
    const unfinished = () =>
      [...stops].some(([partition, stop]) => (reader.positions.get(partition) ?? stop) < stop);
    while (unfinished()) {
      const out: RecordToProduce[] = [];
      for (const record of await reader.poll(POLL_WAIT_MS)) {
        const stop = stops.get(record.partition) ?? 0n;
        if (record.offset >= stop || record.offset < (starts.get(record.partition) ?? 0n)) continue;
        result.read++;
        const time = Number(record.timestamp);
        if (
          (options.fromTime !== undefined && time < options.fromTime) ||
          (options.toTime !== undefined && time > options.toTime)
        ) {
          result.skipped++;
          continue;
        }
        const letter = messageOf({ ...record, topic: options.topic });
        if (filter !== undefined) {
          const json = letter.json();
          let keep: boolean;
          try {
            keep = truthy(await filter.evaluate(json.ok ? json.value : undefined, letter));
          } catch (error) {
            throw new SluiceError(
              'INVALID_ARGUMENT',
              `filter failed on offset ${record.offset}: ${(error as Error).message}`,
            );
          }
          if (!keep) {
            result.skipped++;
            continue;
          }
        }
        const original = originalMessage(letter);
        const target =
          options.to ?? (original.source.topic === options.topic ? undefined : original.source.topic);
        if (target === undefined) {
          result.unknownOrigin++;
          continue;
        }
        out.push(toProduce(outputOf(target, original)));
        result.topics[target] = (result.topics[target] ?? 0) + 1;
      }
      for (let i = 0; i < out.length; i += BATCH) await producer.send(out.slice(i, i + BATCH));
      result.replayed += out.length;
      options.progress?.(Math.min(result.read, total), total);
      // Past the stop in a partition: nothing more to read there (compacted gaps, control records).
      for (const [partition, stop] of stops)
        if ((reader.positions.get(partition) ?? stop) > stop) reader.seek(partition, stop);
    }
  } finally {
    await Promise.allSettled([reader.close(), producer.close()]);
  }
  return result;
}
