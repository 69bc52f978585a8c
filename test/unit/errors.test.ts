// Sluice's one error model: the code table, what toSluiceError makes of anything else, and how
// the errors of each room map to their code and their Kafka error.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerConfigError } from '../../src/broker/dynamic-configs.js';
import { kafkaErrorCode, storageErrorCode } from '../../src/broker/handlers/error-codes.js';
import { ClientError } from '../../src/client/index.js';
import {
  ERROR_CODES,
  INTERNAL_MESSAGE,
  isSluiceError,
  SLUICE_ERROR_CODES,
  SluiceError,
  toSluiceError,
} from '../../src/errors/index.js';
import { PushError } from '../../src/logs/ingest/push-error.js';
import { LogQLCanceledError, LogQLParseError, LogQLTimeoutError } from '../../src/logs/logql/index.js';
import { CorruptRecordsError, ErrorCode, errorName, MalformedFrameError } from '../../src/protocol/index.js';
import { StorageError } from '../../src/storage/index.js';

describe('the code table', () => {
  it('gives every code an HTTP error status and a Kafka error the protocol knows', () => {
    assert.ok(SLUICE_ERROR_CODES.length > 0);
    for (const code of SLUICE_ERROR_CODES) {
      const { http, kafka } = ERROR_CODES[code];
      assert.ok(Number.isInteger(http) && http >= 400 && http <= 599, `${code}: HTTP ${http}`);
      const number = ErrorCode[kafka];
      assert.equal(typeof number, 'number', `${code}: ${kafka} is a protocol error`);
      assert.equal(errorName(number), kafka);
      assert.notEqual(number, ErrorCode.NONE, `${code} must not answer NONE`);
      const err = new SluiceError(code, 'x');
      assert.equal(err.httpStatus, http);
      assert.equal(kafkaErrorCode(err), number);
    }
  });

  it('carries the hint, details and cause, and names the subclass', () => {
    const cause = new Error('inner');
    const err = new SluiceError('INVALID_CONFIG', 'logs.retention: expected a duration', {
      hint: "write it like '7d' or '12h'",
      details: { key: 'logs.retention' },
      cause,
    });
    assert.equal(err.name, 'SluiceError');
    assert.equal(err.hint, "write it like '7d' or '12h'");
    assert.deepEqual(err.details, { key: 'logs.retention' });
    assert.equal(err.cause, cause);
    assert.equal(new PushError('bad').name, 'PushError');
    assert.ok(isSluiceError(new PushError('bad'), 'INVALID_ARGUMENT'));
    assert.ok(!isSluiceError(new PushError('bad'), 'INTERNAL'));
  });
});

describe('toSluiceError', () => {
  it('keeps ours and turns anything else into INTERNAL without its message', () => {
    const ours = new SluiceError('NOT_FOUND', 'no such thing');
    assert.equal(toSluiceError(ours), ours);
    const leak = new Error('password=hunter2 at /etc/secret');
    const internal = toSluiceError(leak);
    assert.equal(internal.code, 'INTERNAL');
    assert.equal(internal.message, INTERNAL_MESSAGE);
    assert.equal(internal.cause, leak, 'the original stays available to the log');
    assert.equal(toSluiceError('a string').code, 'INTERNAL');
    assert.equal(toSluiceError(undefined).code, 'INTERNAL');
  });
});

describe("each room's errors", () => {
  it('have their fixed code, HTTP status and Kafka error', () => {
    const cases: Array<[SluiceError, string, number, number]> = [
      [
        new LogQLParseError('syntax error: unexpected }', 1, 7),
        'INVALID_ARGUMENT',
        400,
        ErrorCode.INVALID_REQUEST,
      ],
      [new LogQLTimeoutError(), 'TIMEOUT', 504, ErrorCode.REQUEST_TIMED_OUT],
      [new LogQLCanceledError(), 'CANCELED', 499, ErrorCode.REQUEST_TIMED_OUT],
      [new PushError('too big', 'PAYLOAD_TOO_LARGE'), 'PAYLOAD_TOO_LARGE', 413, ErrorCode.MESSAGE_TOO_LARGE],
      [new CorruptRecordsError('bad lz4'), 'CORRUPT_DATA', 500, ErrorCode.CORRUPT_MESSAGE],
      [new MalformedFrameError('short frame'), 'INVALID_ARGUMENT', 400, ErrorCode.INVALID_REQUEST],
      [new BrokerConfigError('not dynamic'), 'INVALID_CONFIG', 400, ErrorCode.INVALID_REQUEST],
      [new ClientError('no broker'), 'UNAVAILABLE', 503, ErrorCode.LEADER_NOT_AVAILABLE],
    ];
    for (const [err, code, http, kafka] of cases) {
      assert.ok(err instanceof SluiceError, err.name);
      assert.equal(err.code, code, err.name);
      assert.equal(err.httpStatus, http, err.name);
      assert.equal(kafkaErrorCode(err), kafka, err.name);
    }
    assert.deepEqual(new LogQLParseError('x', 1, 7).details, { line: 1, col: 7 });
    assert.equal(new PushError('x', 'UNSUPPORTED_MEDIA_TYPE').status, 415);
  });

  it('storage failures answer the Kafka errors the broker always answered', () => {
    const cases: Array<[ConstructorParameters<typeof StorageError>[0], number]> = [
      ['IO', ErrorCode.KAFKA_STORAGE_ERROR],
      ['CORRUPT', ErrorCode.CORRUPT_MESSAGE],
      ['OFFSET_OUT_OF_RANGE', ErrorCode.OFFSET_OUT_OF_RANGE],
      ['CLOSED', ErrorCode.NOT_LEADER_OR_FOLLOWER],
      ['INVALID_ARGUMENT', ErrorCode.INVALID_REQUEST],
      ['BATCH_TOO_LARGE', ErrorCode.RECORD_LIST_TOO_LARGE],
      ['INVALID_CONFIG', ErrorCode.INVALID_CONFIG],
      ['INVALID_TOPIC', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['TOPIC_EXISTS', ErrorCode.TOPIC_ALREADY_EXISTS],
      ['UNKNOWN_TOPIC', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['INVALID_PARTITIONS', ErrorCode.INVALID_PARTITIONS],
    ];
    for (const [reason, kafka] of cases) {
      const err = new StorageError(reason, 'x');
      assert.equal(storageErrorCode(err), kafka, reason);
      assert.equal(err.reason, reason);
    }
    assert.equal(new StorageError('IO', 'disk full').code, 'STORAGE');
    // Anything else thrown by a read or an append: the log failed.
    assert.equal(storageErrorCode(new Error('EIO')), ErrorCode.KAFKA_STORAGE_ERROR);
    assert.equal(kafkaErrorCode(new Error('bug')), ErrorCode.UNKNOWN_SERVER_ERROR);
  });
});
