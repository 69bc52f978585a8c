// `sluice pipeline ...`: message pipelines. list, describe, apply, pause, resume and delete talk to
// the admin API of `sluice start` (--url); run runs pipelines alone against any Kafka cluster
// (Apache Kafka included) and replay re-produces a dead-letter topic's messages, both straight to
// the brokers (--bootstrap).

import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import {
  BOOTSTRAP_HELP,
  BOOTSTRAP_OPTION,
  bootstrapServers,
  type Command,
  type CommandContext,
  HELP_OPTION,
  type ParsedCommandLine,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { lokiBaseUrl } from '../logs/loki-http.js';
import { parseDurationMs } from '../logs/time-flags.js';
import { AdminApi, DEFAULT_URL } from '../pipeline/admin-http.js';
import { formatTable } from '../table.js';

const usage = `Usage: sluice pipeline <list|describe|apply|pause|resume|delete|run|replay> [options]

  sluice pipeline list                      pipelines of sluice start, their state and counts
  sluice pipeline describe NAME             one pipeline: definition, state, topics, counts
  sluice pipeline apply FILE                create or replace the pipelines of a YAML or JSON file
  sluice pipeline pause NAME | resume NAME  stop consuming / go on (committed work is kept)
  sluice pipeline delete NAME               stop it and forget its definition
  sluice pipeline run --bootstrap HOST:PORT --config FILE [--registry URL] [--no-create-topics]
         [--refresh DURATION]               run the file's pipelines here, against any Kafka
  sluice pipeline replay DLQ-TOPIC --bootstrap HOST:PORT [--to TOPIC] [--filter JSONATA]
         [--from-offset N] [--to-offset N] [--from-time TIME] [--to-time TIME]
                                            produce dead letters again to their original topic

Options:
  --url URL                        the admin API (default: $SLUICE_URL or ${DEFAULT_URL})
${BOOTSTRAP_HELP}
  -c, --config FILE                run: the pipelines (a config file's pipelines: section, a
                                   mapping of names, or pipelines with name:)
  --registry URL                   run: a Confluent-compatible schema registry (e.g. sluice start's
                                   http://127.0.0.1:8080) for subject: and framed messages
  --no-create-topics               run: fail when an output topic is missing instead of creating it
  --refresh DURATION               run: how often source topics are looked up again (pattern:
                                   new matching topics; listed topics not there yet), default 10s
  --to TOPIC                       replay: send every message there instead of its original topic
  --filter JSONATA                 replay: only dead letters for which it holds (reads the value
                                   and $headers, e.g. $headers."sluice.error.stage" = "validate")
  --from-offset N, --to-offset N   replay: offsets (in every partition), both included
  --from-time T, --to-time T       replay: dead letters' timestamps (RFC 3339 or ms), both included
  -h, --help                       show this help

Pipelines run in the consumer group sluice-pipeline-NAME (retry topics: sluice-pipeline-NAME.retry).
Exit status 1 with the server's reason when a definition is refused (it names the pipeline and key).`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  url: { type: 'string' },
  config: { type: 'string', short: 'c' },
  registry: { type: 'string' },
  'no-create-topics': { type: 'boolean' },
  refresh: { type: 'string' },
  to: { type: 'string' },
  filter: { type: 'string' },
  'from-offset': { type: 'string' },
  'to-offset': { type: 'string' },
  'from-time': { type: 'string' },
  'to-time': { type: 'string' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

const SUBCOMMAND_OPTIONS: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  list: ['url'],
  describe: ['url'],
  apply: ['url'],
  pause: ['url'],
  resume: ['url'],
  delete: ['url'],
  run: ['bootstrap', 'config', 'registry', 'no-create-topics', 'refresh'],
  replay: ['bootstrap', 'to', 'filter', 'from-offset', 'to-offset', 'from-time', 'to-time'],
};

interface Summary {
  name: string;
  origin: string;
  state: string;
  error?: string;
  counts: Record<string, number>;
}

function rejectForeignOptions(subcommand: string, values: Values): void {
  const allowed = new Set<string>(['help', ...(SUBCOMMAND_OPTIONS[subcommand] ?? [])]);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(name))
      throw new UsageError(`option '--${name}' does not apply to 'pipeline ${subcommand}'`, usage);
  }
}

function offsetOption(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${name} must be an offset (an integer >= 0), got '${value}'`, usage);
  return BigInt(value);
}

function timeOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`--${name} must be RFC 3339 or ms since the epoch, got '${value}'`, usage);
  return ms;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, 'INVALID_ARGUMENT');
  }
}

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (subcommand === undefined) throw new UsageError('missing subcommand', usage);
  if (!(subcommand in SUBCOMMAND_OPTIONS))
    throw new UsageError(`unknown subcommand 'pipeline ${subcommand}'`, usage);
  rejectForeignOptions(subcommand, values);
  if (subcommand === 'run') {
    positionalArgs(rest, [], usage);
    if (values.config === undefined)
      throw new UsageError('run needs --config FILE (the pipelines to run)', usage);
    const { runPipelines } = await import('../pipeline/run.js');
    return runPipelines(
      {
        bootstrap: bootstrapServers(values.bootstrap, context.env),
        text: await readText(values.config),
        file: values.config,
        registry: values.registry,
        createTopics: !values['no-create-topics'],
        ...(values.refresh === undefined ? {} : { refreshMs: parseDurationMs(values.refresh, 'refresh') }),
      },
      context,
    );
  }
  if (subcommand === 'replay') {
    const [topic = ''] = positionalArgs(rest, ['DLQ-TOPIC'], usage);
    const { runReplay } = await import('../pipeline/replay.js');
    return runReplay(
      {
        bootstrap: bootstrapServers(values.bootstrap, context.env),
        topic,
        to: values.to,
        filter: values.filter,
        fromOffset: offsetOption(values['from-offset'], 'from-offset'),
        toOffset: offsetOption(values['to-offset'], 'to-offset'),
        fromTime: timeOption(values['from-time'], 'from-time'),
        toTime: timeOption(values['to-time'], 'to-time'),
      },
      context,
    );
  }
  const api = new AdminApi(lokiBaseUrl(values.url, context.env));
  if (subcommand === 'list') {
    positionalArgs(rest, [], usage);
    const { pipelines } = await api.call<{ pipelines: Summary[] }>('GET', '/api/pipelines');
    const rows = pipelines.map((p) => [
      p.name,
      p.origin,
      p.state,
      String(p.counts.in),
      String(p.counts.out),
      String(p.counts.deadLettered),
      String(p.counts.retried),
      p.error ?? '',
    ]);
    context.stdout.write(
      formatTable(['NAME', 'ORIGIN', 'STATE', 'IN', 'OUT', 'DEAD-LETTERED', 'RETRIED', 'ERROR'], rows),
    );
    return 0;
  }
  if (subcommand === 'apply') {
    const [file = ''] = positionalArgs(rest, ['FILE'], usage);
    const { parsePipelineFile } = await import('../../pipeline/index.js');
    const section = parsePipelineFile(await readText(file), file);
    for (const [name, definition] of Object.entries(section)) {
      const result = await api.call<{ state: string }>(
        'PUT',
        `/api/pipelines/${encodeURIComponent(name)}`,
        definition,
      );
      context.stdout.write(`pipeline ${name} applied (${result.state})\n`);
    }
    return 0;
  }
  const [name = ''] = positionalArgs(rest, ['NAME'], usage);
  const path = `/api/pipelines/${encodeURIComponent(name)}`;
  if (subcommand === 'describe') {
    context.stdout.write(stringify(await api.call('GET', path)));
    return 0;
  }
  if (subcommand === 'delete') {
    await api.call('DELETE', path);
    context.stdout.write(`pipeline ${name} deleted\n`);
    return 0;
  }
  const summary = await api.call<Summary>('POST', `${path}/${subcommand}`);
  context.stdout.write(
    `pipeline ${name} ${subcommand === 'pause' ? 'paused' : 'resumed'} (${summary.state})\n`,
  );
  return 0;
}

export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'message pipelines: list, apply, pause, run standalone, replay dead letters',
  usage,
  run,
};
