import { SluiceError } from '../../errors/index.js';

/**
 * A query that does not parse. The message reads like Loki's (`parse error at line 1, col 8:
 * syntax error: unexpected ...`), so Grafana shows users the text they would get from Loki;
 * errors that are not tied to a position read `parse error : ...` as Loki's do.
 */
export class LogQLParseError extends SluiceError {
  readonly line: number;
  readonly col: number;
  readonly detail: string;

  constructor(detail: string, line = 0, col = 0) {
    super(
      'INVALID_ARGUMENT',
      line === 0 && col === 0
        ? `parse error : ${detail}`
        : `parse error at line ${line}, col ${col}: ${detail}`,
      line === 0 && col === 0 ? {} : { details: { line, col } },
    );
    this.line = line;
    this.col = col;
    this.detail = detail;
  }
}

/**
 * A query that parses but cannot be answered (a pipeline error left in a metric query, too many
 * points). HTTP layers answer 400 with the message, as Loki does.
 */
export class LogQLEvalError extends SluiceError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}
