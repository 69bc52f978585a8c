import { SluiceError } from '../errors/index.js';

/** One thing wrong with the configuration: the key path it concerns and what was wrong. */
export interface ConfigProblem {
  /** Dotted key path, e.g. `broker.retentionMs` or `alerts.webhooks[0].url`; '' for the whole file. */
  readonly key: string;
  /** The message without the key, e.g. `must be an integer ≥ -1, got -5`. */
  readonly message: string;
  /** Where the bad value came from: `sluice.yaml line 4`, `SLUICE_BROKER_PORT`, `--kafka-port`. */
  readonly origin?: string;
}

/**
 * The configuration is invalid. `key` names the first bad key; `problems` lists them all, and the
 * message has one line per problem, each starting with its key.
 */
export class ConfigError extends SluiceError {
  readonly key: string;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super('INVALID_CONFIG', problems.map(formatProblem).join('\n'), {
      details: { key: problems[0]?.key ?? '' },
    });
    this.problems = problems;
    this.key = problems[0]?.key ?? '';
  }
}

/** `broker.port: must be ... (SLUICE_BROKER_PORT)`; a flag's problem starts with the flag, as typed. */
export function formatProblem(problem: ConfigProblem): string {
  if (problem.origin?.startsWith('--')) return `${problem.origin} ${problem.message} (${problem.key})`;
  const from = problem.origin === undefined ? '' : ` (${problem.origin})`;
  return problem.key === '' ? `${problem.message}${from}` : `${problem.key}: ${problem.message}${from}`;
}
