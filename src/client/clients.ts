// The @platformatic/kafka clients Sluice's own components use to reach a broker (Sluice's or
// Apache Kafka): over the wire, like any other client.

import { Admin, type BaseOptions, Consumer, Producer } from '@platformatic/kafka';

export function baseOptions(bootstrap: string[], clientId: string): BaseOptions {
  return {
    clientId,
    bootstrapBrokers: bootstrap,
    // The library's default is 3 retries 1 s apart, which makes "connection refused" or an
    // unknown topic take seconds to report. A few quick retries still ride out a leader change.
    retries: 2,
    retryDelay: 200,
    timeout: 10_000,
    connectTimeout: 5_000,
    autocreateTopics: false,
  };
}

export function createAdmin(bootstrap: string[], clientId: string): Admin {
  return new Admin(baseOptions(bootstrap, clientId));
}

/** A producer of raw Buffers (keys, values and headers are encoded by the caller). */
export function createProducer(bootstrap: string[], clientId: string): Producer {
  return new Producer(baseOptions(bootstrap, clientId));
}

/**
 * A consumer used only for metadata, ListOffsets and Fetch. @platformatic/kafka requires a
 * groupId in the constructor even then; no group request is ever sent for it unless
 * `consume()`/`joinGroup()`/`commit()` is called.
 */
export function createPartitionConsumer(bootstrap: string[], clientId: string): Consumer {
  return new Consumer({
    ...baseOptions(bootstrap, clientId),
    groupId: `${clientId}-unused-${process.pid}-${Date.now()}`,
  });
}
