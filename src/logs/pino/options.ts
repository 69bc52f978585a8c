import { DEFAULT_LOGS_TOPIC } from '../model.js';

/** What `pino.transport({ target: 'sluice/pino', options })` accepts. */
export interface SluicePinoOptions {
  /** Kafka bootstrap servers, `host:port` (an array, or one comma-separated string). */
  bootstrap: string[] | string;
  /** The service name: the record key, so one service's lines stay ordered on one partition. */
  service: string;
  /** Logs topic; default `sluice-logs`. */
  topic?: string;
  /** Create the topic when it does not exist (broker-default partitions and replicas); default true. */
  createTopic?: boolean;
  /** Most lines held while the broker is slow or away; more are dropped and counted. Default 10,000. */
  maxBufferedLines?: number;
  /** Most characters held; default 16 MiB. */
  maxBufferedBytes?: number;
  /** Most lines per Produce request; default 1,000. */
  batchLines?: number;
  /** How long shutdown waits for buffered lines to be acknowledged; default 8 s (pino's worker allows 10). */
  closeTimeoutMs?: number;
  /** Kafka client id; default `sluice-pino-<service>`. */
  clientId?: string;
}

export interface ResolvedOptions {
  bootstrap: string[];
  service: string;
  topic: string;
  createTopic: boolean;
  maxBufferedLines: number;
  maxBufferedBytes: number;
  batchLines: number;
  closeTimeoutMs: number;
  clientId: string;
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`sluice/pino: ${name} must be a positive integer`);
  return value;
}

export function resolveOptions(options: SluicePinoOptions): ResolvedOptions {
  const bootstrap = (
    Array.isArray(options?.bootstrap) ? options.bootstrap : String(options?.bootstrap ?? '').split(',')
  )
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (bootstrap.length === 0)
    throw new Error("sluice/pino: options.bootstrap is required, e.g. ['localhost:9092']");
  if (typeof options.service !== 'string' || options.service === '') {
    throw new Error('sluice/pino: options.service is required (it keys every line)');
  }
  return {
    bootstrap,
    service: options.service,
    topic: options.topic ?? DEFAULT_LOGS_TOPIC,
    createTopic: options.createTopic ?? true,
    maxBufferedLines: positive(options.maxBufferedLines, 'maxBufferedLines', 10_000),
    maxBufferedBytes: positive(options.maxBufferedBytes, 'maxBufferedBytes', 16 * 1024 * 1024),
    batchLines: positive(options.batchLines, 'batchLines', 1_000),
    closeTimeoutMs: positive(options.closeTimeoutMs, 'closeTimeoutMs', 8_000),
    clientId: options.clientId ?? `sluice-pino-${options.service}`,
  };
}
