/**
 * What the broker reports as it works. Handlers call these per request and per batch, never
 * per record, so the cost stays off the per-message path. `NO_BROKER_METRICS` turns it all off.
 */
export interface BrokerMetrics {
  /** Records and bytes appended to a topic (counted from batch headers). */
  recordsIn(topic: string, records: number, bytes: number): void;
  /** Records and bytes returned to fetchers from a topic. */
  recordsOut(topic: string, records: number, bytes: number): void;
  /** One request handled, with its duration and the error codes its response carried. */
  request(api: string, seconds: number, errorCodes: readonly number[]): void;
  connectionOpened(): void;
  /** A connection closed: `client` when the peer closed it, else why the broker did. */
  connectionClosed(reason: string): void;
  /** One fdatasync(2) of a log segment. */
  fsync(seconds: number): void;
  /** A group finished a join round and moved to a new generation. */
  rebalance(group: string): void;
  /** Whether handlers should bother collecting error codes and record counts. */
  readonly enabled: boolean;
}

export const NO_BROKER_METRICS: BrokerMetrics = {
  recordsIn() {},
  recordsOut() {},
  request() {},
  connectionOpened() {},
  connectionClosed() {},
  fsync() {},
  rebalance() {},
  enabled: false,
};
