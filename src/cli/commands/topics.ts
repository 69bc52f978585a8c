// `sluice topics list|create|describe|delete`: topic administration, like kafka-topics.sh.

import { ClientError, type KafkaAdmin } from '../../client/index.js';
import {
  BOOTSTRAP_HELP,
  BOOTSTRAP_OPTION,
  bootstrapServers,
  type Command,
  type CommandContext,
  HELP_OPTION,
  intOption,
  keyValueOptions,
  type ParsedCommandLine,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { UsageError } from '../errors.js';
import { createAdmin, withClient } from '../kafka-client.js';

const usage = `Usage: sluice topics <list|create|describe|delete> [NAME] [options]

  sluice topics list [--include-internal]
  sluice topics create NAME [--partitions N] [--replication-factor N] [--config KEY=VALUE]... [--if-not-exists]
  sluice topics describe NAME [--all-configs]
  sluice topics delete NAME [--if-exists]

Options:
${BOOTSTRAP_HELP}
  --partitions N                   partitions of a new topic (default: the broker's num.partitions)
  --replication-factor N           replicas of each partition (default: the broker's default)
  --config KEY=VALUE               topic config override, repeatable (e.g. retention.ms=86400000)
  --if-not-exists                  create: succeed when the topic already exists
  --if-exists                      delete: succeed when the topic does not exist
  --all-configs                    describe: list every config, not only the overridden ones
  --include-internal               list: include internal topics such as __consumer_offsets
  -h, --help                       show this help`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  partitions: { type: 'string' },
  'replication-factor': { type: 'string' },
  config: { type: 'string', multiple: true },
  'if-not-exists': { type: 'boolean' },
  'if-exists': { type: 'boolean' },
  'all-configs': { type: 'boolean' },
  'include-internal': { type: 'boolean' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

/** Options each subcommand accepts besides --bootstrap and --help. */
const SUBCOMMAND_OPTIONS: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  list: ['include-internal'],
  create: ['partitions', 'replication-factor', 'config', 'if-not-exists'],
  describe: ['all-configs'],
  delete: ['if-exists'],
};

function rejectForeignOptions(subcommand: string, values: Values): void {
  const allowed = new Set<string>(['help', 'bootstrap', ...(SUBCOMMAND_OPTIONS[subcommand] ?? [])]);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(name)) {
      throw new UsageError(`option '--${name}' does not apply to 'topics ${subcommand}'`, usage);
    }
  }
}

async function list(admin: KafkaAdmin, values: Values, out: NodeJS.WritableStream): Promise<void> {
  const names = await admin.listTopics({ internal: values['include-internal'] ?? false });
  for (const name of names) out.write(`${name}\n`);
}

async function create(
  admin: KafkaAdmin,
  name: string,
  values: Values,
  out: NodeJS.WritableStream,
): Promise<void> {
  const partitions = intOption(values.partitions, 'partitions', { min: 1 });
  const replicas = intOption(values['replication-factor'], 'replication-factor', { min: 1, max: 32767 });
  const configs = Object.fromEntries(keyValueOptions(values.config, 'config'));
  try {
    await admin.createTopic(name, { partitions, replicas, configs });
  } catch (error) {
    if (values['if-not-exists'] && error instanceof ClientError && error.code === 'CONFLICT') return;
    throw error;
  }
  out.write(`Created topic ${name}.\n`);
}

async function remove(
  admin: KafkaAdmin,
  name: string,
  values: Values,
  out: NodeJS.WritableStream,
): Promise<void> {
  try {
    await admin.deleteTopic(name);
  } catch (error) {
    if (values['if-exists'] && error instanceof ClientError && error.code === 'NOT_FOUND') return;
    throw error;
  }
  out.write(`Deleted topic ${name}.\n`);
}

/** "k=v,k=v" of the topic's configs (only non-default ones unless `all`), or why there are none. */
async function configSummary(admin: KafkaAdmin, name: string, all: boolean): Promise<string> {
  const configs = await admin.topicConfigs(name);
  if (configs === undefined) return '(unavailable: the broker does not support DescribeConfigs)';
  return configs
    .filter((c) => all || !c.isDefault)
    .map((c) => `${c.name}=${c.isSensitive ? '(sensitive)' : (c.value ?? '')}`)
    .sort()
    .join(',');
}

async function describe(
  admin: KafkaAdmin,
  name: string,
  values: Values,
  out: NodeJS.WritableStream,
): Promise<void> {
  const topic = await admin.describeTopic(name);
  const configs = await configSummary(admin, name, values['all-configs'] ?? false);
  const replicationFactor = topic.partitions[0]?.replicas.length ?? 0;
  out.write(
    `Topic: ${name}\tTopicId: ${topic.id}\tPartitionCount: ${topic.partitions.length}\t` +
      `ReplicationFactor: ${replicationFactor}\tConfigs: ${configs}\n`,
  );
  for (const p of topic.partitions) {
    const offline = p.offline.length > 0 ? `\tOffline: ${p.offline.join(',')}` : '';
    out.write(
      `\tTopic: ${name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\t` +
        `Replicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${offline}\n`,
    );
  }
}

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (subcommand === undefined)
    throw new UsageError('missing subcommand (list, create, describe or delete)', usage);
  if (!(subcommand in SUBCOMMAND_OPTIONS))
    throw new UsageError(`unknown subcommand 'topics ${subcommand}'`, usage);
  rejectForeignOptions(subcommand, values);
  const [name = ''] = positionalArgs(rest, subcommand === 'list' ? [] : ['NAME'], usage);
  const bootstrap = bootstrapServers(values.bootstrap, context.env);
  const out = context.stdout;
  await withClient(createAdmin(bootstrap), async (admin) => {
    if (subcommand === 'list') await list(admin, values, out);
    else if (subcommand === 'create') await create(admin, name, values, out);
    else if (subcommand === 'describe') await describe(admin, name, values, out);
    else await remove(admin, name, values, out);
  });
  return 0;
}

export const topicsCommand: Command = {
  name: 'topics',
  summary: 'list, create, describe and delete topics',
  usage,
  run,
};
