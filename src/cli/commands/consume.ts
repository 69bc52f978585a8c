// `sluice consume TOPIC`: prints message values one per line, like kafka-console-consumer.sh.

import { type ConsumedRecord, GroupReader, PartitionReader, type RecordSource } from '../../client/index.js';
import {
  BOOTSTRAP_HELP,
  BOOTSTRAP_OPTION,
  bootstrapServers,
  type Command,
  type CommandContext,
  HELP_OPTION,
  intOption,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { UsageError } from '../errors.js';
import { CONSUMER_CLIENT_ID } from '../kafka-client.js';

const usage = `Usage: sluice consume TOPIC [options]

Prints each message's value on its own line. Waits for new messages until Ctrl-C, or until
--max-messages or --timeout-ms ends it. Without --group it reads partitions directly and commits
nothing. With --group it joins that consumer group, reads the partitions the group assigns it from
the group's committed offsets, commits after printing (at-least-once) and leaves the group at exit.

Options:
${BOOTSTRAP_HELP}
  -g, --group GROUP                consume as a member of consumer group GROUP
  --from-beginning                 start at the oldest message (default: only new messages); with
                                   --group, only where the group has no committed offset
  --partition N                    read only partition N (default: all partitions; not with --group)
  --max-messages N                 exit after N messages
  --timeout-ms N                   exit when no message arrived for N ms
  --print-key                      print "KEY<TAB>" before each value ("null" when there is none)
  --print-offset                   print "Partition:P<TAB>Offset:O<TAB>" before each message
  --print-headers                  print "k:v,k:v<TAB>" (or "NO_HEADERS<TAB>") before the key and value
  -h, --help                       show this help

A summary ("Processed a total of N messages") goes to stderr at exit.`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  'from-beginning': { type: 'boolean' },
  partition: { type: 'string', short: 'p' },
  'max-messages': { type: 'string', short: 'n' },
  'timeout-ms': { type: 'string' },
  'print-key': { type: 'boolean' },
  'print-offset': { type: 'boolean' },
  'print-headers': { type: 'boolean' },
  group: { type: 'string', short: 'g' },
} as const;

/** Longest single Fetch wait, so Ctrl-C and --timeout-ms are honoured promptly. */
const POLL_MS = 500;

interface ConsumeSettings {
  bootstrap: string[];
  topic: string;
  fromBeginning: boolean;
  partition: number | undefined;
  maxMessages: number | undefined;
  timeoutMs: number | undefined;
  printKey: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  group: string | undefined;
}

function parseSettings(argv: string[], env: NodeJS.ProcessEnv): ConsumeSettings | 'help' {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) return 'help';
  const [topic = ''] = positionalArgs(positionals, ['TOPIC'], usage);
  if (values.group === '') throw new UsageError('--group must not be empty', usage);
  if (values.group !== undefined && values.partition !== undefined) {
    throw new UsageError('--partition cannot be used with --group: the group assigns the partitions', usage);
  }
  return {
    bootstrap: bootstrapServers(values.bootstrap, env),
    topic,
    fromBeginning: values['from-beginning'] ?? false,
    partition: intOption(values.partition, 'partition', { min: 0 }),
    maxMessages: intOption(values['max-messages'], 'max-messages', { min: 1 }),
    timeoutMs: intOption(values['timeout-ms'], 'timeout-ms', { min: 0 }),
    printKey: values['print-key'] ?? false,
    printOffset: values['print-offset'] ?? false,
    printHeaders: values['print-headers'] ?? false,
    group: values.group,
  };
}

/** The record source for these settings: a consumer group when --group is given, else partitions. */
async function openSource(settings: ConsumeSettings): Promise<RecordSource> {
  const start = settings.fromBeginning ? 'earliest' : 'latest';
  if (settings.group !== undefined) {
    return GroupReader.open({
      bootstrap: settings.bootstrap,
      topic: settings.topic,
      group: settings.group,
      start,
      clientId: CONSUMER_CLIENT_ID,
    });
  }
  return PartitionReader.open({
    bootstrap: settings.bootstrap,
    topic: settings.topic,
    partitions: settings.partition === undefined ? undefined : [settings.partition],
    start,
  });
}

const text = (bytes: Buffer | null) => (bytes === null ? 'null' : bytes.toString('utf8'));

function formatRecord(record: ConsumedRecord, settings: ConsumeSettings): string {
  let line = '';
  if (settings.printOffset) line += `Partition:${record.partition}\tOffset:${record.offset}\t`;
  if (settings.printHeaders) {
    const headers = record.headers.map(([k, v]) => `${text(k)}:${text(v)}`).join(',');
    line += `${headers || 'NO_HEADERS'}\t`;
  }
  if (settings.printKey) line += `${text(record.key)}\t`;
  return `${line}${text(record.value)}\n`;
}

/** Stops the loop on the first SIGINT/SIGTERM; a second one exits at once. */
function stopOnSignal(): { readonly stopped: boolean } {
  const state = { stopped: false };
  const onSignal = () => {
    if (state.stopped) process.exit(130);
    state.stopped = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return state;
}

/**
 * Resolves to true once `text` has been handed to the OS, to false when the reader went away
 * (e.g. `sluice consume t | head`): then the text was not printed and consuming ends normally.
 */
function write(out: NodeJS.WritableStream, text: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    out.write(text, (error?: Error | null) => {
      const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
      if (!error) resolve(true);
      else if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') resolve(false);
      else reject(error);
    });
  });
}

async function consume(
  source: RecordSource,
  settings: ConsumeSettings,
  out: NodeJS.WritableStream,
  signal: { readonly stopped: boolean },
) {
  const { maxMessages, timeoutMs } = settings;
  let count = 0;
  let lastMessageAt = Date.now();
  while (!signal.stopped) {
    const idleLeft = timeoutMs === undefined ? POLL_MS : lastMessageAt + timeoutMs - Date.now();
    if (idleLeft <= 0) break;
    const records = await source.poll(Math.min(POLL_MS, idleLeft));
    if (records.length === 0) continue;
    lastMessageAt = Date.now();
    const take = maxMessages === undefined ? records : records.slice(0, maxMessages - count);
    // Printed first, committed after: a crash in between prints them again rather than losing them.
    if (!(await write(out, take.map((r) => formatRecord(r, settings)).join('')))) break;
    count += take.length;
    await source.commit?.(take);
    if (maxMessages !== undefined && count >= maxMessages) break;
  }
  return count;
}

async function run(argv: string[], context: CommandContext): Promise<number> {
  const settings = parseSettings(argv, context.env);
  if (settings === 'help') {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  // Installed before joining a group, so that Ctrl-C while joining still leaves it cleanly.
  const signal = stopOnSignal();
  const source = await openSource(settings);
  try {
    const count = await consume(source, settings, context.stdout, signal);
    context.stderr.write(`Processed a total of ${count} messages\n`);
  } finally {
    await source.close();
  }
  return 0;
}

export const consumeCommand: Command = {
  name: 'consume',
  summary: 'print messages of a topic',
  usage,
  run,
};
