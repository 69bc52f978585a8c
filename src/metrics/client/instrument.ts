import type { KafkaClientMetrics } from './client-metrics.js';
import { countByTopic } from './client-metrics.js';

/** The part of a producer these helpers need: @platformatic/kafka's `send({ messages })` shape. */
export interface SendsMessages<R> {
  send(options: { messages: { topic: string }[] }): Promise<R>;
}

/**
 * Wraps a producer's `send` so every call is measured. Works with @platformatic/kafka's Producer
 * and with KafkaJS's (whose `send({ topic, messages })` is adapted by `instrumentKafkaJsProducer`).
 */
export function instrumentProducer<R, P extends SendsMessages<R>>(
  producer: P,
  metrics: KafkaClientMetrics,
): P {
  const send = producer.send.bind(producer);
  producer.send = ((options: { messages: { topic: string }[] }) =>
    metrics.timeSend(countByTopic(options.messages), () => send(options))) as P['send'];
  return producer;
}

/** KafkaJS: `send({ topic, messages })`. */
export function instrumentKafkaJsProducer<
  R,
  P extends { send(record: { topic: string; messages: unknown[] }): Promise<R> },
>(producer: P, metrics: KafkaClientMetrics): P {
  const send = producer.send.bind(producer);
  producer.send = ((record: { topic: string; messages: unknown[] }) =>
    metrics.timeSend({ [record.topic]: record.messages.length }, () => send(record))) as P['send'];
  return producer;
}
