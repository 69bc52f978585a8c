/**
 * LogQL: parse queries and evaluate them over a log source, answering with the `data` of Loki's
 * HTTP query responses. Pure: no I/O beyond what the given `LogSource` does.
 */
export type * from './ast.js';
export { MAX_NESTING } from './cursor.js';
export { LogQLEvalError, LogQLParseError } from './errors.js';
export {
  DEFAULT_QUERY_LIMITS,
  LogQLCanceledError,
  LogQLTimeoutError,
  QueryContext,
  type QueryContextOptions,
  type QueryLimits,
} from './limits.js';
export { ERROR_DETAILS_LABEL, ERROR_LABEL } from './line-parsers.js';
export { matcherMatches, selectorMatches } from './matchers.js';
export { parseQuery } from './parser.js';
export { compilePipeline, labelsKey, type Pipeline, type ProcessedEntry } from './pipeline.js';
export {
  type InstantQuery,
  MAX_POINTS_PER_SERIES,
  queryInstant,
  queryRange,
  type RangeQuery,
} from './query.js';
export { compileRegex, type LogRegex } from './regex.js';
export type { MatrixData, QueryData, QueryStats, ScalarData, StreamsData, VectorData } from './results.js';
export { arraySource, type Direction, type LogSource, type SelectRequest } from './source.js';
export { parseBytes, parseDurationMs } from './units.js';
