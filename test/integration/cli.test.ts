// The `sluice` command as users run it: compiled CLI in child processes against a broker that the
// CLI itself started (`sluice broker --port 0`).

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CliResult, collect, LISTENING, lines, spawnCli, tempDir } from '../helpers/cli-process.js';

interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs `sluice ARGS` to completion, feeding `input` on stdin. */
function cli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options.env);
  const result = collect(child, options.timeoutMs ?? 20_000);
  child.stdin?.end(options.input ?? '');
  return result;
}

interface StartedBroker {
  child: ChildProcess;
  bootstrap: string;
  dataDir: string;
  output: Promise<CliResult>;
}

async function startBroker(): Promise<StartedBroker> {
  const dataDir = tempDir('sluice-cli-');
  const child = spawnCli(['broker', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
  child.stdin?.end();
  const output = collect(child, 120_000);
  let seen = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start: ${seen}`)), 15_000);
    child.stdout?.on('data', (chunk: string) => {
      seen += chunk;
      const found = LISTENING.exec(seen);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening: ${seen}`));
    });
  });
  return { child, bootstrap: `${match[1]}:${match[2]}`, dataDir: match[3] ?? dataDir, output };
}

describe('sluice CLI', () => {
  let broker: StartedBroker;
  let bootstrap: string[];

  before(async () => {
    broker = await startBroker();
    bootstrap = ['--bootstrap', broker.bootstrap];
  });

  describe('usage and bad command lines', () => {
    it('prints usage for --help and for each command', async () => {
      const top = await cli(['--help']);
      assert.equal(top.code, 0);
      for (const name of ['broker', 'topics', 'produce', 'consume'])
        assert.match(top.stdout, new RegExp(name));
      for (const name of ['broker', 'topics', 'produce', 'consume']) {
        const sub = await cli([name, '--help']);
        assert.equal(sub.code, 0, sub.stderr);
        assert.match(sub.stdout, new RegExp(`^Usage: sluice ${name}`));
      }
    });

    it("'sluice help topics' prints the topics usage, not the top-level help", async () => {
      const result = await cli(['help', 'topics']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: sluice topics/);
      const unknown = await cli(['help', 'frobnicate']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    });

    it('the top-level help lists --version, and --version prints it', async () => {
      const top = await cli(['--help']);
      assert.match(top.stdout, /--version/);
      const version = await cli(['--version']);
      assert.equal(version.code, 0);
      assert.match(version.stdout, /^sluice \d+\.\d+\.\d+\n$/);
    });

    it("'start --kafka-port abc' names --kafka-port in its error", async () => {
      const result = await cli(['start', '--kafka-port', 'abc', '--http-port', '0']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--kafka-port must be an integer/);
    });

    it('exits 2 with the error and usage on an unknown command', async () => {
      const result = await cli(['frobnicate']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^sluice: unknown command 'frobnicate'\n/);
      assert.match(result.stderr, /Usage: sluice <command>/);
    });

    it('exits 2 on an unknown flag, showing the command usage', async () => {
      const result = await cli(['topics', 'list', '--frobnicate', ...bootstrap]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^sluice: unknown option '--frobnicate'\n/);
      assert.match(result.stderr, /Usage: sluice topics/);
    });

    it('exits 2 on bad values and missing arguments', async () => {
      const cases: [string[], RegExp][] = [
        [['topics', 'create', 'x', '--partitions', 'three'], /--partitions must be an integer/],
        [['topics', 'create'], /missing NAME/],
        [['topics', 'rename', 'x'], /unknown subcommand 'topics rename'/],
        [['topics', 'list', '--partitions', '3'], /does not apply to 'topics list'/],
        [['produce', 't', '--acks', '2'], /--acks must be one of/],
        [['produce', 't', '--header', 'novalue'], /--header expects KEY=VALUE/],
        [['consume'], /missing TOPIC/],
        [['consume', 't', '--max-messages=-1'], /--max-messages must be an integer/],
        [['consume', 't', '--max-messages'], /option '--max-messages' needs a value/],
        [['consume', 't', '--from-beginning=yes'], /option '--from-beginning' takes no value/],
        [['consume', 't', '--group', 'g', '--partition', '0'], /--partition cannot be used with --group/],
        [['consume', 't', '--bootstrap', 'no-port'], /bootstrap server must be HOST:PORT/],
        [['broker', '--port', '70000'], /--port must be an integer between 0 and 65535/],
      ];
      for (const [args, message] of cases) {
        const result = await cli(args);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
      }
    });

    it('exits 1 with one line when the broker is unreachable', async () => {
      const result = await cli(['topics', 'list', '--bootstrap', '127.0.0.1:1']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^sluice: cannot connect to broker 127\.0\.0\.1:1/);
      assert.equal(lines(result.stderr).length, 1, result.stderr);
    });
  });

  describe('topics', () => {
    it('creates, lists, describes and deletes a topic', async () => {
      const created = await cli([
        'topics',
        'create',
        'cli-orders',
        '--partitions',
        '3',
        '--config',
        'retention.ms=3600000',
        ...bootstrap,
      ]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stdout, 'Created topic cli-orders.\n');

      const listed = await cli(['topics', 'list', ...bootstrap]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.ok(lines(listed.stdout).includes('cli-orders'), listed.stdout);

      const described = await cli(['topics', 'describe', 'cli-orders', ...bootstrap]);
      assert.equal(described.code, 0, described.stderr);
      const [header, ...partitions] = lines(described.stdout);
      assert.match(
        header ?? '',
        /^Topic: cli-orders\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 1\t/,
      );
      assert.match(header ?? '', /Configs: .*retention\.ms=3600000/);
      assert.equal(partitions.length, 3);
      partitions.forEach((line, i) => {
        assert.match(
          line,
          new RegExp(`^\\tTopic: cli-orders\\tPartition: ${i}\\tLeader: \\d+\\tReplicas: \\d+\\tIsr: \\d+`),
        );
      });

      const deleted = await cli(['topics', 'delete', 'cli-orders', ...bootstrap]);
      assert.equal(deleted.code, 0, deleted.stderr);
      const remaining = await cli(['topics', 'list', ...bootstrap]);
      assert.ok(!lines(remaining.stdout).includes('cli-orders'), remaining.stdout);
    });

    it('reports an existing topic on create and an unknown one on describe and delete', async () => {
      assert.equal((await cli(['topics', 'create', 'cli-twice', ...bootstrap])).code, 0);
      const again = await cli(['topics', 'create', 'cli-twice', ...bootstrap]);
      assert.equal(again.code, 1);
      assert.equal(again.stderr, "sluice: topic 'cli-twice' already exists\n");
      assert.equal((await cli(['topics', 'create', 'cli-twice', '--if-not-exists', ...bootstrap])).code, 0);

      for (const sub of ['describe', 'delete']) {
        const missing = await cli(['topics', sub, 'cli-missing', ...bootstrap]);
        assert.equal(missing.code, 1, `${sub}: ${missing.stderr}`);
        assert.equal(missing.stderr, "sluice: topic 'cli-missing' does not exist\n");
      }
      assert.equal((await cli(['topics', 'delete', 'cli-missing', '--if-exists', ...bootstrap])).code, 0);
    });

    it('reads the bootstrap address from SLUICE_BOOTSTRAP', async () => {
      const listed = await cli(['topics', 'list'], { env: { SLUICE_BOOTSTRAP: broker.bootstrap } });
      assert.equal(listed.code, 0, listed.stderr);
    });
  });

  describe('produce and consume', () => {
    before(async () => {
      const created = await cli(['topics', 'create', 'cli-events', '--partitions', '2', ...bootstrap]);
      assert.equal(created.code, 0, created.stderr);
    });

    it('round-trips lines with keys and headers', async () => {
      const produced = await cli(
        [
          'produce',
          'cli-events',
          '--key-separator',
          ':',
          '--header',
          'source=cli',
          '--header',
          'trace=a=b',
          ...bootstrap,
        ],
        { input: 'user-1:signed up\nuser-2:logged in\nuser-1:logged out\n' },
      );
      assert.equal(produced.code, 0, produced.stderr);

      const consumed = await cli([
        'consume',
        'cli-events',
        '--from-beginning',
        '--max-messages',
        '3',
        '--print-key',
        '--print-headers',
        ...bootstrap,
      ]);
      assert.equal(consumed.code, 0, consumed.stderr);
      const got = lines(consumed.stdout);
      assert.equal(got.length, 3, consumed.stdout);
      assert.deepEqual([...got].sort(), [
        'source:cli,trace:a=b\tuser-1\tlogged out',
        'source:cli,trace:a=b\tuser-1\tsigned up',
        'source:cli,trace:a=b\tuser-2\tlogged in',
      ]);
      // One key, one partition: user-1's messages keep their order.
      const user1 = got.filter((line) => line.includes('\tuser-1\t'));
      assert.deepEqual(user1, [
        'source:cli,trace:a=b\tuser-1\tsigned up',
        'source:cli,trace:a=b\tuser-1\tlogged out',
      ]);
      assert.match(consumed.stderr, /Processed a total of 3 messages/);
    });

    it('sends to a chosen partition with compression and prints offsets', async () => {
      await cli(['topics', 'create', 'cli-compressed', '--partitions', '2', ...bootstrap]);
      for (const compression of ['none', 'gzip', 'snappy', 'lz4']) {
        const produced = await cli(
          [
            'produce',
            'cli-compressed',
            '--partition',
            '1',
            '--compression',
            compression,
            '--acks',
            '1',
            ...bootstrap,
          ],
          { input: `${compression}-a\n${compression}-b\n` },
        );
        assert.equal(produced.code, 0, `${compression}: ${produced.stderr}`);
      }
      const consumed = await cli([
        'consume',
        'cli-compressed',
        '--partition',
        '1',
        '--from-beginning',
        '--max-messages',
        '8',
        '--print-offset',
        ...bootstrap,
      ]);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(
        lines(consumed.stdout),
        ['none-a', 'none-b', 'gzip-a', 'gzip-b', 'snappy-a', 'snappy-b', 'lz4-a', 'lz4-b'].map(
          (value, offset) => `Partition:1\tOffset:${offset}\t${value}`,
        ),
      );
      const other = await cli([
        'consume',
        'cli-compressed',
        '--partition',
        '0',
        '--from-beginning',
        '--timeout-ms',
        '500',
        ...bootstrap,
      ]);
      assert.equal(other.code, 0, other.stderr);
      assert.equal(other.stdout, '');
    });

    it('waits for new messages when not reading from the beginning', async () => {
      await cli(['topics', 'create', 'cli-live', ...bootstrap]);
      await cli(['produce', 'cli-live', ...bootstrap], { input: 'old\n' });
      const child = spawnCli(['consume', 'cli-live', '--max-messages', '1', ...bootstrap]);
      child.stdin?.end();
      const consumed = collect(child, 30_000);
      // The consumer starts at the end of the log at some moment we cannot see: keep producing until it reads one.
      let n = 0;
      while (child.exitCode === null && n < 50) {
        await cli(['produce', 'cli-live', ...bootstrap], { input: `new-${n++}\n` });
        await sleep(200);
      }
      const result = await consumed;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^new-\d+\n$/);
    });

    it('stops at --timeout-ms when no message arrives', async () => {
      const started = Date.now();
      const result = await cli(['consume', 'cli-events', '--timeout-ms', '700', ...bootstrap]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '');
      assert.ok(Date.now() - started >= 700);
    });

    it('exits 1 with one line for an unknown topic or partition', async () => {
      const cases: [string[], string, string][] = [
        [['consume', 'cli-nope', '--from-beginning'], '', "sluice: topic 'cli-nope' does not exist\n"],
        [['produce', 'cli-nope'], 'x\n', "sluice: topic 'cli-nope' does not exist\n"],
        [
          ['consume', 'cli-events', '--partition', '5'],
          '',
          "sluice: partition 5 does not exist: topic 'cli-events' has 2 partition(s)\n",
        ],
        [
          ['produce', 'cli-events', '--partition', '2'],
          'x\n',
          "sluice: partition 2 does not exist: topic 'cli-events' has 2 partition(s)\n",
        ],
      ];
      for (const [args, input, stderr] of cases) {
        const result = await cli([...args, ...bootstrap], { input });
        assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stderr, stderr);
      }
    });

    it('stops at a line without the key separator', async () => {
      const result = await cli(['produce', 'cli-events', '--key-separator', '=', ...bootstrap], {
        input: 'k=v\nno separator here\n',
      });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, "sluice: no key separator '=' on line 2: 'no separator here'\n");
    });
  });

  describe('broker', () => {
    it('closes cleanly on SIGINT', async () => {
      const second = await startBroker();
      assert.notEqual(second.bootstrap, broker.bootstrap);
      second.child.kill('SIGINT');
      const result = await second.output;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /SIGINT received, closing/);
    });

    it('exits 1 when the port is taken', async () => {
      const port = broker.bootstrap.split(':')[1] ?? '';
      const dataDir = tempDir('sluice-cli-');
      const result = await cli(['broker', '--port', port, '--data-dir', dataDir, '--log-level', 'silent']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^sluice: .*EADDRINUSE/);
    });
  });
});
