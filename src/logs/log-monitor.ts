import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ConsumedRecord } from '../client/index.js';
import { registerLokiRoutes, registerTailRoutes } from './http/index.js';
import { entryToRecord, recordToEntry } from './ingest/index.js';
import type { LogEntry } from './model.js';
import { LogStore, type LogsConfig, type OutgoingRecord } from './store/index.js';

export interface LogMonitorOptions {
  /** The Kafka broker(s) holding the logs topic: Sluice's own or Apache Kafka. */
  bootstrap: string[];
  config: LogsConfig;
  logger: Logger;
}

export interface LogMonitor {
  readonly store: LogStore;
  /** Adds Loki's API and the live tail to the platform HTTP server (before it listens). */
  registerRoutes(app: FastifyInstance): void;
  close(): Promise<void>;
}

/** The log monitor: the store over the logs topic and its Loki-compatible HTTP face. */
export async function startLogMonitor(options: LogMonitorOptions): Promise<LogMonitor> {
  const store = await LogStore.open({ ...options, decode, encode });
  return {
    store,
    registerRoutes(app) {
      registerLokiRoutes(app, store, options.config);
      registerTailRoutes(app, store, options.config);
    },
    close: () => store.close(),
  };
}

function decode(record: ConsumedRecord): LogEntry {
  return recordToEntry({
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: record.headers.map(([name, value]) => [name ?? Buffer.alloc(0), value] as const),
  });
}

function encode(entry: LogEntry): OutgoingRecord {
  const record = entryToRecord(entry);
  return {
    key: record.key,
    value: record.value,
    timestamp: BigInt(record.timestamp),
    headers: new Map(record.headers.map(([name, value]) => [Buffer.from(name), value])),
  };
}
