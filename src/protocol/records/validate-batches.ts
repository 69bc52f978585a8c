import { ErrorCode } from '../errors.js';
import { BATCH, type BatchHeader, isCrcValid, readBatchHeader } from './batch-header.js';

export type BatchValidation =
  | { ok: true; batches: BatchHeader[]; positions: number[] }
  | { ok: false; error: ErrorCode; reason: string };

/**
 * Walks the batches of a produce request's records field and checks each one's framing,
 * magic and CRC. Nothing is decoded beyond the header.
 */
export function validateBatches(records: Buffer, maxBatchBytes: number): BatchValidation {
  const batches: BatchHeader[] = [];
  const positions: number[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH.magic + 1) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'truncated record batch header' };
    }
    const magic = records.readInt8(at + BATCH.magic);
    if (magic !== 2) {
      return {
        ok: false,
        error: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
        reason: `message format v${magic} is not supported; only record batches (magic 2) are`,
      };
    }
    if (records.length - at < BATCH.headerSize) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'truncated record batch header' };
    }
    const header = readBatchHeader(records, at);
    if (header.size < BATCH.headerSize || at + header.size > records.length) {
      return {
        ok: false,
        error: ErrorCode.CORRUPT_MESSAGE,
        reason: `batch length ${header.size} does not fit`,
      };
    }
    if (header.size > maxBatchBytes) {
      return {
        ok: false,
        error: ErrorCode.MESSAGE_TOO_LARGE,
        reason: `batch of ${header.size} bytes exceeds max.message.bytes ${maxBatchBytes}`,
      };
    }
    if (header.lastOffsetDelta < 0 || header.recordCount < 0) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'negative record count or offset delta' };
    }
    if (!isCrcValid(records, at, header.size)) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'record batch CRC-32C mismatch' };
    }
    batches.push(header);
    positions.push(at);
    at += header.size;
  }
  if (batches.length === 0) return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'empty records' };
  return { ok: true, batches, positions };
}
