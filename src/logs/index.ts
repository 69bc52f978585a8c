// The logs room's only door: the log monitor (store, Loki API, live tail), its config section,
// the entry model, and the pieces other tools reuse (LogQL, line parsing, push decoding).
export { decodePushRequest, PushError, recordToEntry } from './ingest/index.js';
export { type LogMonitor, type LogMonitorOptions, startLogMonitor } from './log-monitor.js';
export { LogQLEvalError, LogQLParseError, parseQuery } from './logql/index.js';
export { DEFAULT_LOGS_TOPIC, LOG_HEADERS, type LogEntry } from './model.js';
export {
  DEFAULT_LOGS_CONFIG,
  type LogsConfig,
  type LogsSection,
  logsConfigFrom,
  logsConfigSection,
} from './store/index.js';
