// `sluice groups list|describe|delete|reset-offsets`: consumer group administration, like
// kafka-consumer-groups.sh.

import { ClientError, type KafkaAdmin } from '../../client/index.js';
import {
  BOOTSTRAP_HELP,
  BOOTSTRAP_OPTION,
  bootstrapServers,
  type Command,
  type CommandContext,
  HELP_OPTION,
  intOption,
  type ParsedCommandLine,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { describeGroupCommand } from '../groups/describe.js';
import { GROUP_STATES } from '../groups/group-admin.js';
import {
  parseDateTime,
  parseTopicSelection,
  type ResetOptions,
  type ResetStrategy,
  resetOffsetsCommand,
} from '../groups/reset-offsets.js';
import { createAdmin, withClient } from '../kafka-client.js';
import { formatTable, MISSING } from '../table.js';

const usage = `Usage: sluice groups <list|describe|delete|reset-offsets> [GROUP] [options]

  sluice groups list [--state STATE[,STATE...]]
  sluice groups describe GROUP
  sluice groups delete GROUP
  sluice groups reset-offsets GROUP (--topic TOPIC[:P,P...]... | --all-topics)
                (--to-earliest | --to-latest | --to-datetime ISO | --to-offset N | --shift-by N)
                [--execute | --dry-run]

Options:
${BOOTSTRAP_HELP}
  --state STATE[,STATE...]         list: only groups in these states (${GROUP_STATES.join(', ')})
  --topic TOPIC[:P,P...]           reset: a topic, or some of its partitions; repeatable
  --all-topics                     reset: every partition the group has a committed offset for
  --to-earliest                    reset to the oldest offset still in the log
  --to-latest                      reset to the log end offset (skip everything)
  --to-datetime ISO                reset to the first offset at or after a time, e.g. 2024-05-01T12:00:00Z
                                   (the log end offset where there is none)
  --to-offset N                    reset to offset N (moved into the log's range if outside it)
  --shift-by N                     move the committed offset by N (negative: back), within the log's range
  --execute                        reset: commit the new offsets (default: only print them)
  --dry-run                        reset: only print the new offsets
  -h, --help                       show this help

describe prints the group's state, its members with their assigned partitions, and per partition
the committed offset, the log end offset and the lag. A group's offsets can be reset, and the
group deleted, only while it has no active members.`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  state: { type: 'string' },
  topic: { type: 'string', short: 't', multiple: true },
  'all-topics': { type: 'boolean' },
  'to-earliest': { type: 'boolean' },
  'to-latest': { type: 'boolean' },
  'to-datetime': { type: 'string' },
  'to-offset': { type: 'string' },
  'shift-by': { type: 'string' },
  execute: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

const RESET_STRATEGIES = ['to-earliest', 'to-latest', 'to-datetime', 'to-offset', 'shift-by'] as const;

/** Options each subcommand accepts besides --bootstrap and --help. */
const SUBCOMMAND_OPTIONS: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  list: ['state'],
  describe: [],
  delete: [],
  'reset-offsets': ['topic', 'all-topics', ...RESET_STRATEGIES, 'execute', 'dry-run'],
};

function rejectForeignOptions(subcommand: string, values: Values): void {
  const allowed = new Set<string>(['help', 'bootstrap', ...(SUBCOMMAND_OPTIONS[subcommand] ?? [])]);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(name)) {
      throw new UsageError(`option '--${name}' does not apply to 'groups ${subcommand}'`, usage);
    }
  }
}

/** `--shift-by -2` as Kafka's tool takes it: parseArgs would read "-2" as an option. */
function joinNegativeShift(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--shift-by' && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`--shift-by=${next}`);
      i += 1;
    } else out.push(argv[i] ?? '');
  }
  return out;
}

function parseStates(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const states = new Set<string>();
  for (const name of value.split(',').map((s) => s.trim())) {
    const state = GROUP_STATES.find((s) => s.toLowerCase() === name.replace(/_/g, '').toLowerCase());
    if (!state)
      throw new UsageError(`--state must be one of ${GROUP_STATES.join(', ')}, got '${name}'`, usage);
    states.add(state);
  }
  return states;
}

function parseReset(groupId: string, values: Values): ResetOptions {
  const chosen = RESET_STRATEGIES.filter((name) => values[name] !== undefined);
  if (chosen.length !== 1) {
    const names = RESET_STRATEGIES.map((n) => `--${n}`).join(', ');
    throw new UsageError(
      chosen.length === 0
        ? `reset-offsets needs one of ${names}`
        : `only one of ${names} can be given, got ${chosen.map((n) => `--${n}`).join(' and ')}`,
      usage,
    );
  }
  const topics = (values.topic ?? []).map((t) => parseTopicSelection(t, usage));
  if (topics.length === 0 && !values['all-topics']) {
    throw new UsageError('reset-offsets needs --topic TOPIC[:P,P...] or --all-topics', usage);
  }
  if (topics.length > 0 && values['all-topics']) {
    throw new UsageError('--topic and --all-topics cannot be used together', usage);
  }
  if (values.execute && values['dry-run']) {
    throw new UsageError('--execute and --dry-run cannot be used together', usage);
  }
  let strategy: ResetStrategy;
  const kind = chosen[0];
  if (kind === 'to-earliest') strategy = { kind: 'earliest' };
  else if (kind === 'to-latest') strategy = { kind: 'latest' };
  else if (kind === 'to-datetime')
    strategy = { kind: 'datetime', timestamp: parseDateTime(values['to-datetime'] ?? '', usage) };
  else if (kind === 'to-offset') {
    strategy = {
      kind: 'offset',
      offset: BigInt(intOption(values['to-offset'], 'to-offset', { min: 0 }) ?? 0),
    };
  } else {
    const by = values['shift-by']?.trim() ?? '';
    if (!/^[-+]?\d+$/.test(by)) throw new UsageError(`--shift-by must be an integer, got '${by}'`, usage);
    strategy = { kind: 'shift', by: BigInt(by) };
  }
  return {
    groupId,
    scope: values['all-topics'] ? 'all-topics' : { topics },
    strategy,
    execute: values.execute ?? false,
    dryRun: values['dry-run'] ?? false,
  };
}

async function list(
  admin: KafkaAdmin,
  states: Set<string> | undefined,
  out: NodeJS.WritableStream,
): Promise<void> {
  const groups = (await admin.listGroups()).filter((g) => !states || states.has(g.state));
  const rows = groups.map((g) => [g.groupId, g.state || MISSING, g.protocolType || MISSING]);
  out.write(formatTable(['GROUP', 'STATE', 'PROTOCOL-TYPE'], rows));
}

async function remove(admin: KafkaAdmin, groupId: string, out: NodeJS.WritableStream): Promise<void> {
  try {
    await admin.deleteGroup(groupId);
  } catch (error) {
    const id = error instanceof ClientError ? error.brokerError : undefined;
    if (id === 'NON_EMPTY_GROUP') {
      throw new CliError(
        `cannot delete consumer group '${groupId}': it has active members (NON_EMPTY_GROUP)`,
      );
    }
    if (id === 'GROUP_ID_NOT_FOUND')
      throw new CliError(`consumer group '${groupId}' does not exist`, 'NOT_FOUND');
    throw error;
  }
  out.write(`Deletion of requested consumer groups ('${groupId}') was successful.\n`);
}

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(joinNegativeShift(argv), OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (subcommand === undefined) {
    throw new UsageError('missing subcommand (list, describe, delete or reset-offsets)', usage);
  }
  if (!(subcommand in SUBCOMMAND_OPTIONS))
    throw new UsageError(`unknown subcommand 'groups ${subcommand}'`, usage);
  rejectForeignOptions(subcommand, values);
  const [groupId = ''] = positionalArgs(rest, subcommand === 'list' ? [] : ['GROUP'], usage);
  if (subcommand !== 'list' && groupId === '') throw new UsageError('GROUP must not be empty', usage);
  const states = parseStates(values.state);
  const reset = subcommand === 'reset-offsets' ? parseReset(groupId, values) : undefined;
  const bootstrap = bootstrapServers(values.bootstrap, context.env);
  const { stdout: out, stderr: err } = context;
  await withClient(createAdmin(bootstrap), async (admin) => {
    if (subcommand === 'list') await list(admin, states, out);
    else if (subcommand === 'describe') await describeGroupCommand(admin, groupId, out, err);
    else if (subcommand === 'delete') await remove(admin, groupId, out);
    else if (reset) await resetOffsetsCommand(admin, reset, out, err);
  });
  return 0;
}

export const groupsCommand: Command = {
  name: 'groups',
  summary: 'list, describe, delete consumer groups and reset their offsets',
  usage,
  run,
};
