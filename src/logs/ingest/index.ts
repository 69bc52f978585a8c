// The collection side of the log monitor, pure parts: reading logs-topic records of any shipper,
// decoding Loki push bodies, and writing pushed entries to the topic.

export {
  formatLabelText,
  isValidLabelName,
  LabelSyntaxError,
  parseLabelText,
  sanitizeLabelName,
} from './labels.js';
export { guessLevel, type LogLevel, normalizeLevel } from './levels.js';
export { parseLine } from './parse-line.js';
export type { LineFormat, ParsedLine } from './parsed-line.js';
export { decodePushRequest } from './push-decode.js';
export { entryToRecord, type LogRecordToWrite, pushStreamToEntries } from './push-entries.js';
export { PushError } from './push-error.js';
export {
  DEFAULT_PUSH_LIMITS,
  type PushEntry,
  type PushLimits,
  type PushRequest,
  type PushStream,
} from './push-types.js';
export { type LogRecord, recordToEntry } from './record-to-entry.js';
