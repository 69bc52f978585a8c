// `sluice produce TOPIC`: one message per stdin line, like kafka-console-producer.sh.

import { createInterface } from 'node:readline';
import zlib from 'node:zlib';
import type { Acks, KafkaProducer, RecordToProduce } from '../../client/index.js';
import {
  BOOTSTRAP_HELP,
  BOOTSTRAP_OPTION,
  bootstrapServers,
  type Command,
  type CommandContext,
  choiceOption,
  HELP_OPTION,
  intOption,
  keyValueOptions,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { createAdmin, createProducer, withClient } from '../kafka-client.js';

const usage = `Usage: sluice produce TOPIC [options]

Sends one message per line read from stdin, until end of input (Ctrl-D).

Options:
${BOOTSTRAP_HELP}
  --key KEY                        key of every message
  --key-separator SEP              split each line at the first SEP into key and value
  --partition N                    send every message to partition N (default: by key hash, else round robin)
  --header KEY=VALUE               header on every message, repeatable
  --acks all|1|0                   acknowledgement to wait for (default: all)
  --compression none|gzip|snappy|lz4|zstd   batch compression (default: none)
  -h, --help                       show this help

Example:
  printf 'u1:signed up\\nu2:logged in\\n' | sluice produce events --key-separator : --header source=cli`;

const OPTIONS = {
  ...HELP_OPTION,
  ...BOOTSTRAP_OPTION,
  key: { type: 'string', short: 'k' },
  'key-separator': { type: 'string' },
  partition: { type: 'string', short: 'p' },
  header: { type: 'string', short: 'H', multiple: true },
  acks: { type: 'string' },
  compression: { type: 'string', short: 'z' },
} as const;

const ACKS: Record<string, Acks> = { all: 'all', '-1': 'all', '1': 'leader', '0': 'none' };
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Lines waiting to be sent before stdin is paused. */
const MAX_PENDING = 10_000;
/** Most messages, and most key+value bytes, per Produce request: one batch must stay under the
 * broker's message.max.bytes (1 MiB by default) even when every line goes to one partition. */
const MAX_BATCH = 5_000;
const MAX_BATCH_BYTES = 512 * 1024;

interface ProduceSettings {
  bootstrap: string[];
  topic: string;
  key: Buffer | undefined;
  keySeparator: string | undefined;
  partition: number | undefined;
  headers: Map<Buffer, Buffer> | undefined;
  acks: Acks;
  compression: (typeof COMPRESSIONS)[number];
}

function parseSettings(argv: string[], env: NodeJS.ProcessEnv): ProduceSettings | 'help' {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) return 'help';
  const [topic = ''] = positionalArgs(positionals, ['TOPIC'], usage);
  if (values.key !== undefined && values['key-separator'] !== undefined) {
    throw new UsageError('--key and --key-separator cannot be used together', usage);
  }
  if (values['key-separator'] === '') throw new UsageError('--key-separator must not be empty', usage);
  const compression = choiceOption(values.compression, 'compression', COMPRESSIONS) ?? 'none';
  if (compression === 'zstd' && !('zstdCompressSync' in zlib)) {
    throw new CliError(`zstd compression needs Node.js 22.15 or later (this is ${process.version})`);
  }
  const acks = choiceOption(values.acks, 'acks', Object.keys(ACKS) as (keyof typeof ACKS)[]) ?? 'all';
  const headers = keyValueOptions(values.header, 'header');
  return {
    bootstrap: bootstrapServers(values.bootstrap, env),
    topic,
    key: values.key === undefined ? undefined : Buffer.from(values.key),
    keySeparator: values['key-separator'],
    partition: intOption(values.partition, 'partition', { min: 0 }),
    headers: headers.length ? new Map(headers.map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) : undefined,
    acks: ACKS[acks],
    compression,
  };
}

/** Checks that the topic (and partition) exist before reading any input. */
async function checkTopic(settings: ProduceSettings): Promise<void> {
  const partitions = await withClient(createAdmin(settings.bootstrap), (admin) =>
    admin.partitionCount(settings.topic),
  );
  if (settings.partition !== undefined && settings.partition >= partitions) {
    throw new CliError(
      `partition ${settings.partition} does not exist: topic '${settings.topic}' has ${partitions} partition(s)`,
    );
  }
}

/** How many of the first pending messages go in the next request (at least one). */
function batchLength(pending: readonly RecordToProduce[]): number {
  let bytes = 0;
  let count = 0;
  while (count < pending.length && count < MAX_BATCH) {
    const { key, value } = pending[count];
    bytes += (key?.length ?? 0) + (value?.length ?? 0);
    if (bytes > MAX_BATCH_BYTES && count > 0) break;
    count += 1;
  }
  return count;
}

function toMessage(line: string, lineNumber: number, settings: ProduceSettings): RecordToProduce {
  let key = settings.key;
  let value = line;
  if (settings.keySeparator !== undefined) {
    const at = line.indexOf(settings.keySeparator);
    if (at < 0)
      throw new CliError(
        `no key separator '${settings.keySeparator}' on line ${lineNumber}: '${line}'`,
        'INVALID_ARGUMENT',
      );
    key = Buffer.from(line.slice(0, at));
    value = line.slice(at + settings.keySeparator.length);
  }
  return {
    topic: settings.topic,
    key,
    value: Buffer.from(value),
    headers: settings.headers,
    partition: settings.partition,
  };
}

/**
 * Sends stdin's lines with at most one Produce request in flight, so order is kept; lines that
 * arrive while a request is out go together in the next one.
 */
async function pipeLines(producer: KafkaProducer, settings: ProduceSettings, stdin: NodeJS.ReadableStream) {
  const lines = createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const pending: RecordToProduce[] = [];
  let inFlight: Promise<void> | undefined;
  let failure: unknown;
  let lineNumber = 0;
  let inputClosed = false;

  const fail = (error: unknown) => {
    failure ??= error;
    lines.close();
  };
  const pump = () => {
    if (inFlight || pending.length === 0 || failure !== undefined) return;
    const messages = pending.splice(0, batchLength(pending));
    inFlight = producer
      .send(messages, { acks: settings.acks, compression: settings.compression })
      .then(() => undefined, fail)
      .finally(() => {
        inFlight = undefined;
        if (!inputClosed && pending.length < MAX_PENDING) lines.resume();
        pump();
      });
  };

  const closed = new Promise<void>((done) =>
    lines.once('close', () => {
      inputClosed = true;
      done();
    }),
  );
  // Ctrl-C ends the input like Ctrl-D: what was read is still sent. A second one exits at once.
  process.once('SIGINT', () => {
    process.once('SIGINT', () => process.exit(130));
    lines.close();
  });
  lines.on('line', (line) => {
    if (failure !== undefined) return;
    lineNumber += 1;
    try {
      pending.push(toMessage(line, lineNumber, settings));
    } catch (error) {
      fail(error);
      return;
    }
    if (pending.length >= MAX_PENDING) lines.pause();
    pump();
  });
  await closed;
  while (failure === undefined && (inFlight || pending.length > 0)) {
    pump();
    await inFlight;
  }
  if (failure !== undefined) throw failure;
}

async function run(argv: string[], context: CommandContext): Promise<number> {
  const settings = parseSettings(argv, context.env);
  if (settings === 'help') {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  await withClient(createProducer(settings.bootstrap), async (producer) => {
    await checkTopic(settings);
    await pipeLines(producer, settings, context.stdin);
  });
  return 0;
}

export const produceCommand: Command = {
  name: 'produce',
  summary: 'send stdin lines to a topic',
  usage,
  run,
};
