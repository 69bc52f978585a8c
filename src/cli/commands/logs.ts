// `sluice logs query|tail|push`: the log monitor from a terminal, like Grafana's logcli. It speaks
// Loki's HTTP API only, so it works against Grafana Loki as well as `sluice start`.

import {
  type Command,
  type CommandContext,
  choiceOption,
  HELP_OPTION,
  intOption,
  keyValueOptions,
  type ParsedCommandLine,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { UsageError } from '../errors.js';
import { OUTPUT_MODES, useColour } from '../logs/entry-output.js';
import { DEFAULT_URL, lokiBaseUrl } from '../logs/loki-http.js';
import { NS_PER_MS, nowNs, parseDurationMs, parseTimeNs } from '../logs/time-flags.js';

const usage = `Usage: sluice logs <query|tail|push> [options]

  sluice logs query 'LOGQL' [--since 1h | --from TIME] [--to TIME] [--limit N] [--forward] [--step 1m]
  sluice logs tail 'LOGQL' [--since 1h] [--limit N] [--no-color]
  sluice logs push [--service NAME] [--label K=V ...] [--level LEVEL] < lines

Options:
  --url URL                        Loki API to talk to (default: $SLUICE_URL or ${DEFAULT_URL})
  -o, --output default|raw|jsonl   query, tail: 'TIMESTAMP {labels} line' (default), the line only,
                                   or one JSON object per entry
  --no-color                       query, tail: never colour lines by level (also NO_COLOR=1)
  --since DURATION                 query, tail: look back this far, e.g. 30s, 5m, 1h, 2d (default: 1h)
  --from TIME, --to TIME           query: range as RFC 3339 or Unix time (default: --since ago to now)
  --limit N                        query, tail: at most N entries (default: 100)
  --forward                        query: oldest first (default: newest first, as logcli prints)
  --step DURATION                  query: evaluate a metric query at every step (a matrix); without
                                   it a metric query gives its value at the end of the range
  --service NAME                   push: the service label (default: stdin)
  --label K=V                      push: another label on every line, repeatable
  --level LEVEL                    push: the level label (default: read from each line by the server)
  -h, --help                       show this help

tail prints the recent entries (as far back as --since, at most --limit) and then new ones as
they arrive, until Ctrl-C; lines are coloured by their level label on a terminal. push reads
lines until end of input, timestamps each as it is read, sends them in batches and prints the
count to stderr. A query the server rejects (bad LogQL) prints the server's message, exit 1.

Examples:
  sluice logs query '{service="orders"} |= "failed"' --since 30m
  sluice logs query 'sum by (level) (count_over_time({service="orders"}[5m]))'
  sluice logs tail '{level=~"warn|error"}'
  ./job.sh 2>&1 | sluice logs push --service job --label env=dev`;

const OPTIONS = {
  ...HELP_OPTION,
  url: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'no-color': { type: 'boolean' },
  since: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  forward: { type: 'boolean' },
  step: { type: 'string' },
  service: { type: 'string' },
  label: { type: 'string', multiple: true },
  level: { type: 'string' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

/** Options each subcommand accepts besides --url and --help. */
const SUBCOMMAND_OPTIONS: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  query: ['output', 'no-color', 'since', 'from', 'to', 'limit', 'forward', 'step'],
  tail: ['output', 'no-color', 'since', 'limit'],
  push: ['service', 'label', 'level'],
};

const DEFAULT_SINCE_MS = 3_600_000;
const DEFAULT_LIMIT = 100;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function rejectForeignOptions(subcommand: string, values: Values): void {
  const allowed = new Set<string>(['help', 'url', ...(SUBCOMMAND_OPTIONS[subcommand] ?? [])]);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(name)) {
      throw new UsageError(`option '--${name}' does not apply to 'logs ${subcommand}'`, usage);
    }
  }
}

function logqlArg(rest: string[]): string {
  const [query = ''] = positionalArgs(rest, ['LOGQL'], usage);
  if (query.trim() === '') throw new UsageError('LOGQL must not be empty', usage);
  return query;
}

function sinceNs(values: Values): bigint {
  const ms = values.since === undefined ? DEFAULT_SINCE_MS : parseDurationMs(values.since, 'since');
  return BigInt(Math.round(ms)) * NS_PER_MS;
}

/** The query's range: --from (else --since before the end) to --to (else now). */
function queryRange(values: Values): { startNs: bigint; endNs: bigint } {
  if (values.from !== undefined && values.since !== undefined) {
    throw new UsageError('--from and --since cannot be used together', usage);
  }
  const endNs = values.to === undefined ? nowNs() : parseTimeNs(values.to, 'to');
  const startNs = values.from === undefined ? endNs - sinceNs(values) : parseTimeNs(values.from, 'from');
  if (startNs >= endNs) throw new UsageError('the range is empty: --from must be before --to', usage);
  return { startNs, endNs };
}

function pushLabels(values: Values): Record<string, string> {
  const labels: Record<string, string> = { service: values.service ?? 'stdin' };
  if (labels.service === '') throw new UsageError('--service must not be empty', usage);
  if (values.level !== undefined) {
    if (values.level === '') throw new UsageError('--level must not be empty', usage);
    labels.level = values.level;
  }
  for (const [name, value] of keyValueOptions(values.label, 'label')) {
    if (!LABEL_NAME.test(name)) {
      throw new UsageError(`--label name must match [a-zA-Z_][a-zA-Z0-9_]*, got '${name}'`, usage);
    }
    if (name in labels) throw new UsageError(`label '${name}' is given twice`, usage);
    labels[name] = value;
  }
  return labels;
}

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (subcommand === undefined) throw new UsageError('missing subcommand (query, tail or push)', usage);
  if (!(subcommand in SUBCOMMAND_OPTIONS))
    throw new UsageError(`unknown subcommand 'logs ${subcommand}'`, usage);
  rejectForeignOptions(subcommand, values);
  const base = lokiBaseUrl(values.url, context.env);
  const output = choiceOption(values.output, 'output', OUTPUT_MODES) ?? 'default';
  const limit = intOption(values.limit, 'limit', { min: 1 }) ?? DEFAULT_LIMIT;
  const colour = useColour(values['no-color'] ?? false, context.stdout, context.env);

  if (subcommand === 'query') {
    const query = logqlArg(rest);
    const { startNs, endNs } = queryRange(values);
    const stepMs = values.step === undefined ? undefined : parseDurationMs(values.step, 'step');
    const { runQuery } = await import('../logs/query.js');
    const settings = { base, query, startNs, endNs, limit, stepMs, output, colour };
    await runQuery({ ...settings, forward: values.forward ?? false }, context.stdout);
    return 0;
  }
  if (subcommand === 'tail') {
    const query = logqlArg(rest);
    const startNs = nowNs() - sinceNs(values);
    const { runTail } = await import('../logs/tail.js');
    return runTail({ base, query, startNs, limit, output, colour }, context);
  }
  positionalArgs(rest, [], usage);
  const { runPush } = await import('../logs/push.js');
  return runPush({ base, labels: pushLabels(values) }, context);
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'query, tail and push logs (Loki API)',
  usage,
  run,
};
