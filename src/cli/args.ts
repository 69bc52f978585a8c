// Command-line parsing helpers shared by every command: node:util parseArgs plus value checks
// that turn bad input into a UsageError (exit status 2).

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What a command runs with; main.ts passes the process's own streams. */
export interface CommandContext {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface Command {
  readonly name: string;
  /** One line for `sluice --help`. */
  readonly summary: string;
  /** The full text for `sluice <name> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the exit status. */
  run(argv: string[], context: CommandContext): Promise<number>;
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
export const BOOTSTRAP_OPTION = { bootstrap: { type: 'string', short: 'b' } } as const;

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';
export const BOOTSTRAP_HELP = `  -b, --bootstrap HOST:PORT[,...]  broker(s) to contact (default: $SLUICE_BOOTSTRAP or ${DEFAULT_BOOTSTRAP})`;

function parseErrorMessage(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(?:-\w, )?(-[^' ]+)/.exec(message)?.[1];
  if (option === undefined) return message.split('\n')[0] ?? message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option}'`;
  if (message.includes('does not take an argument')) return `option '${option}' takes no value`;
  if (message.includes('ambiguous')) {
    return `option '${option}' needs a value (write ${option}=VALUE for a value that starts with '-')`;
  }
  if (message.includes('argument missing')) return `option '${option}' needs a value`;
  return message.split('\n')[0] ?? message;
}

type StrictConfig<O extends OptionSpec> = {
  args: string[];
  options: O;
  allowPositionals: true;
  strict: true;
};
export type ParsedCommandLine<O extends OptionSpec> = ReturnType<typeof parseArgs<StrictConfig<O>>>;

/** parseArgs in strict mode with positionals; a parse failure becomes a UsageError carrying `usage`. */
export function parseCommandLine<const O extends OptionSpec>(
  argv: readonly string[],
  options: O,
  usage: string,
): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error), usage);
  }
}

/** Checks the number of positional arguments and returns them. */
export function positionalArgs(positionals: string[], names: readonly string[], usage: string): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(positionals.length).join(' ')}`, usage);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${positionals[names.length]}'`, usage);
  }
  return positionals;
}

export interface IntRange {
  min?: number;
  max?: number;
}

/** An integer option value, or undefined when the option is absent. */
export function intOption(value: string | undefined, name: string, range: IntRange = {}): number | undefined {
  if (value === undefined) return undefined;
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  const parsed = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    const bounds = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`--${name} must be an integer ${bounds}, got '${value}'`);
  }
  return parsed;
}

/** An option value that must be one of `allowed`. */
export function choiceOption<const T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

/** Repeated `--name k=v` values as pairs; the value may be empty and may contain '='. */
export function keyValueOptions(values: readonly string[] | undefined, name: string): [string, string][] {
  return (values ?? []).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name} expects KEY=VALUE, got '${entry}'`);
    return [entry.slice(0, eq), entry.slice(eq + 1)];
  });
}

/** The bootstrap servers from --bootstrap, else $SLUICE_BOOTSTRAP, else 127.0.0.1:9092. */
export function bootstrapServers(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const raw = flag ?? (env.SLUICE_BOOTSTRAP || DEFAULT_BOOTSTRAP);
  const servers = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.length === 0) throw new UsageError('--bootstrap needs at least one HOST:PORT');
  for (const server of servers) {
    const match = /^(.+):(\d{1,5})$/.exec(server);
    if (!match || Number(match[2]) > 65535) {
      throw new UsageError(`bootstrap server must be HOST:PORT, got '${server}'`);
    }
  }
  return servers;
}
