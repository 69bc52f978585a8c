// The CLI's two kinds of expected failure, and how any error is shown to a user.

import { type KafkaLeafError, leafErrors, UNKNOWN_TOPIC } from '../client/kafka-errors.js';
import { isSluiceError, SluiceError, type SluiceErrorCode } from '../errors/index.js';

// The error helpers' own file, not the client room's door: that door loads the Kafka client
// library, which every command would then pay for at start-up (see main.ts).
export { kafkaErrorId, leafErrors, unknownTopicOf } from '../client/kafka-errors.js';

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

function describeLeaf(leaf: KafkaLeafError): string {
  if (leaf.code === 'PLT_KFK_NETWORK' || leaf.code === 'PLT_KFK_TIMEOUT') {
    const cause = leaf.cause as NodeJS.ErrnoException | undefined;
    const reason = cause?.code ?? cause?.message;
    const what = leaf.message.replace(
      /^Connection to (.*) (failed|timed out)\.$/,
      'cannot connect to broker $1',
    );
    return reason ? `${what} (${reason})` : what;
  }
  if (leaf.apiId) {
    const detail = leaf.serverErrorMessage || leaf.message;
    return `${detail.replace(/\.$/, '')} (${leaf.apiId})`;
  }
  const topic = UNKNOWN_TOPIC.exec(leaf.message)?.[1];
  if (topic !== undefined) return `topic '${topic}' does not exist`;
  return leaf.message;
}

/** Errors whose message is enough: ours (but a bug's), the Kafka client's, and system call failures. */
export function isExpected(error: unknown): boolean {
  if (isSluiceError(error)) return error.code !== 'INTERNAL';
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('PLT_KFK_') || /^E[A-Z0-9]+$/.test(code));
}

/** One line for the user, without the `sluice: ` prefix. */
export function describeError(error: unknown): string {
  if (isSluiceError(error) && error.code !== 'INTERNAL')
    return error.hint === undefined ? error.message : `${error.message} (${error.hint})`;
  const leaves = leafErrors(error);
  if (leaves.length === 0) return String(error);
  const lines = [...new Set(leaves.map(describeLeaf))];
  return lines.join('; ');
}
