/**
 * One log line as the log monitor sees it: a Loki stream entry. Every way in (the pino
 * transport, Loki push, any Kafka shipper writing to the logs topic) ends up as this.
 */
export interface LogEntry {
  /** Unix time in nanoseconds (Loki's precision). */
  timestampNs: bigint;
  /**
   * Stream labels. `service` and `level` are always set (`unknown` when not known), plus whatever
   * the shipper sent as labels (job, host, ...). Label names follow Prometheus rules.
   */
  labels: Record<string, string>;
  /** The line itself, as shipped (for parsed JSON shippers, the message or the whole JSON). */
  line: string;
  /** Loki's structured metadata: per-line key/values that are not stream labels. */
  metadata?: Record<string, string>;
}

/**
 * How a log line is stored in the logs topic. The record value is the line exactly as shipped
 * (pino JSON, rsyslog text, Fluent Bit/Vector JSON, plain text), keyed by service so one
 * service's lines stay in order on one partition. Writers that know more (Loki push, the pino
 * transport) add headers; readers never require them, so any Kafka shipper can write here.
 */
export const LOG_HEADERS = {
  /** Stream labels in Prometheus text form, e.g. `{service="orders",level="info"}`. */
  labels: 'sluice.labels',
  /** The entry's timestamp in nanoseconds, as a decimal string (the record timestamp has ms). */
  timestampNs: 'sluice.ts_ns',
  /** Structured metadata as a JSON object of strings. */
  metadata: 'sluice.metadata',
} as const;

/** The default logs topic. */
export const DEFAULT_LOGS_TOPIC = 'sluice-logs';
