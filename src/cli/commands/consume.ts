// `sluice consume TOPIC`: prints message values one per line, like kafka-console-consumer.sh.

import { once } from 'node:events';
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
import { type ConsumedRecord, PartitionReader, type RecordSource } from '../partition-reader.js';

const usage = `Usage: sluice consume TOPIC [options]

Prints each message's value on its own line. Waits for new messages until Ctrl-C, or until
--max-messages or --timeout-ms ends it. Reads partitions directly: no consumer group, no commits.

Options:
${BOOTSTRAP_HELP}
  --from-beginning                 start at the oldest message (default: only new messages)
  --partition N                    read only partition N (default: all partitions)
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
  // Consumer groups come in a later issue: parsed here so the user gets a clear answer.
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

/** The record source for these settings: a consumer group when --group is given (not yet), else partitions. */
async function openSource(settings: ConsumeSettings): Promise<RecordSource> {
  if (settings.group !== undefined) {
    throw new UsageError(
      '--group is not supported yet; without it, consume reads partitions directly and commits no offsets',
      usage,
    );
  }
  return PartitionReader.open({
    bootstrap: settings.bootstrap,
    topic: settings.topic,
    partitions: settings.partition === undefined ? undefined : [settings.partition],
    start: settings.fromBeginning ? 'earliest' : 'latest',
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

async function consume(source: RecordSource, settings: ConsumeSettings, out: NodeJS.WritableStream) {
  const signal = stopOnSignal();
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
    count += take.length;
    if (!out.write(take.map((r) => formatRecord(r, settings)).join(''))) await once(out, 'drain');
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
  const source = await openSource(settings);
  try {
    const count = await consume(source, settings, context.stdout);
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
