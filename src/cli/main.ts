#!/usr/bin/env node
// The `sluice` command: finds the command, runs it, and turns its outcome into an exit status
// (0 ok, 1 runtime error, 2 bad command line).

import { readFileSync } from 'node:fs';
import type { Command, CommandContext } from './args.js';
import { describeError, isExpected, UsageError } from './errors.js';

interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Commands load on demand: the Kafka client library alone costs a third of a second to import. */
  load(): Promise<Command>;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'start',
    summary: 'run the whole platform: broker, HTTP server, metrics, health',
    load: async () => (await import('./commands/start.js')).startCommand,
  },
  {
    name: 'broker',
    summary: 'run the broker',
    load: async () => (await import('./commands/broker.js')).brokerCommand,
  },
  {
    name: 'topics',
    summary: 'list, create, describe and delete topics',
    load: async () => (await import('./commands/topics.js')).topicsCommand,
  },
  {
    name: 'groups',
    summary: 'list, describe, delete consumer groups and reset their offsets',
    load: async () => (await import('./commands/groups.js')).groupsCommand,
  },
  {
    name: 'produce',
    summary: 'send stdin lines to a topic',
    load: async () => (await import('./commands/produce.js')).produceCommand,
  },
  {
    name: 'consume',
    summary: 'print messages of a topic',
    load: async () => (await import('./commands/consume.js')).consumeCommand,
  },
  {
    name: 'pipeline',
    summary: 'message pipelines: list, apply, pause, run standalone, replay dead letters',
    load: async () => (await import('./commands/pipeline.js')).pipelineCommand,
  },
  {
    name: 'registry',
    summary: 'run the Eureka-compatible service registry alone',
    load: async () => (await import('./commands/registry.js')).registryCommand,
  },
  {
    name: 'gateway',
    summary: 'run the API gateway alone',
    load: async () => (await import('./commands/gateway.js')).gatewayCommand,
  },
  {
    name: 'logs',
    summary: 'query, tail and push logs (Loki API)',
    load: async () => (await import('./commands/logs.js')).logsCommand,
  },
  {
    name: 'config',
    summary: 'set, get, list, remove config server values and show their history',
    load: async () => (await import('./commands/config.js')).configCommand,
  },
  {
    name: 'config-server',
    summary: 'run the Spring Cloud Config-compatible server alone',
    load: async () => (await import('./commands/config-server.js')).configServerCommand,
  },
];

function version(): string {
  const pkg = new URL('../../../package.json', import.meta.url);
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const usage = `Usage: sluice <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help ('sluice help COMMAND' or 'sluice COMMAND --help' for a command's)
  -V, --version  print Sluice's version

Run 'sluice <command> --help' for a command's options.
Commands that contact a broker take --bootstrap HOST:PORT (default: $SLUICE_BOOTSTRAP or 127.0.0.1:9092).`;

/** Runs the command line and resolves to the exit status; never throws. */
export async function main(argv: string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (name === 'help' && rest.length > 0) return await helpFor(rest[0], context);
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      (name === undefined ? context.stderr : context.stdout).write(`${usage}\n`);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V') {
      context.stdout.write(`sluice ${version()}\n`);
      return 0;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) {
      throw new UsageError(
        name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`,
        usage,
      );
    }
    command = await entry.load();
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.usage ?? command?.usage ?? usage;
      context.stderr.write(`sluice: ${error.message}\n\n${help}\n`);
      return 2;
    }
    if (!isExpected(error) && context.env.SLUICE_DEBUG) {
      context.stderr.write(`sluice: ${(error as Error)?.stack ?? String(error)}\n`);
    } else {
      context.stderr.write(`sluice: ${describeError(error)}\n`);
      if (!isExpected(error)) context.stderr.write('(set SLUICE_DEBUG=1 for the stack trace)\n');
    }
    return 1;
  }
}

/** `sluice help COMMAND`: the same text as `sluice COMMAND --help`. */
async function helpFor(name: string, context: CommandContext): Promise<number> {
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new UsageError(`unknown command '${name}'`, usage);
  context.stdout.write(`${(await entry.load()).usage}\n`);
  return 0;
}

/** Waits until everything written so far has been handed to the OS, then exits. */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

// A closed stdout (e.g. `sluice consume t | head`) is a normal way for output to end. The command
// sees its write fail and finishes on its own (a group consumer leaves its group); in case it is
// waiting for something else, the process exits (status 0) a little later anyway.
const STDOUT_CLOSED_GRACE_MS = 5_000;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  setTimeout(() => process.exit(0), STDOUT_CLOSED_GRACE_MS);
});

const context: CommandContext = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
};
main(process.argv.slice(2), context).then(exitAfterFlush);
