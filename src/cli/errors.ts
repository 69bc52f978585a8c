// The CLI's two kinds of expected failure, and how any error is shown to a user.

// Nothing here imports the client room: its door loads the Kafka client library, which every
// command would then pay for at start-up (see main.ts). Its failures are SluiceErrors already.
import { isSluiceError, SluiceError, type SluiceErrorCode } from '../errors/index.js';

/** A bad command line: shown with the command's usage, exit status 2. */
export class UsageError extends SluiceError {
  /** The usage text of the command the user was typing, if known. */
  usage: string | undefined;
  constructor(message: string, usage?: string) {
    super('INVALID_ARGUMENT', message);
    this.usage = usage;
  }
}

/**
 * An expected runtime failure (unknown topic, broker unreachable, ...): one line, exit status 1.
 * The code says which kind, for callers that tell them apart; the CLI shows only the message.
 */
export class CliError extends SluiceError {
  constructor(message: string, code: SluiceErrorCode = 'UNAVAILABLE') {
    super(code, message);
  }
}

/** Errors whose message is enough: ours (but a bug's; the client room's among them) and system call failures. */
export function isExpected(error: unknown): boolean {
  if (isSluiceError(error)) return error.code !== 'INTERNAL';
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** One line for the user, without the `sluice: ` prefix. */
export function describeError(error: unknown): string {
  if (isSluiceError(error) && error.code !== 'INTERNAL')
    return error.hint === undefined ? error.message : `${error.message} (${error.hint})`;
  return error instanceof Error ? error.message : String(error);
}
