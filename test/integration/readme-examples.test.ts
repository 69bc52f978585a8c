// README.md's examples, run verbatim (issue 11: a newcomer tripped on examples that did not run).
//
// Every ```sh/```bash block is split into commands and each command runs, as written, in bash
// from the repository root, in README order, with `node_modules/.bin` first on PATH (as `npm`
// scripts have it) and no SLUICE_* variable set, as in a reader's fresh shell. Every ```js block
// is written verbatim to a file under dist/ (inside the package, so `sluice/...` resolves to
// this package through its `exports`, as it would for a project that installed it) and run with
// this Node, followed by a few marked probe lines that print what the snippet made.
//
// Addresses: README's commands use its defaults (127.0.0.1:9092 and http://127.0.0.1:8080),
// and kcat and the JS snippets name 127.0.0.1:9092 outright, so the test starts `sluice start`
// on those defaults (exactly what `npm start` runs) rather than rewriting the examples; when
// either port is taken it skips, saying so, instead of running the examples elsewhere.
//
// Each command must exit 0 and show what a reader would expect (EXPECTED). A command whose
// comment says "Ctrl-C" runs until it has shown that, then gets SIGINT as from a terminal.
// Commands not run by design are listed in NOT_RUN with the reason. A README command found in
// neither list fails the test, so a new example cannot go unchecked.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnCli, stop, tempDir } from '../helpers/cli-process.js';
import { repoRoot } from '../helpers/repo-root.js';
import { eventually } from '../helpers/waiting.js';

const ROOT = repoRoot();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const KAFKA_PORT = 9092;
const HTTP = 'http://127.0.0.1:8080';
const COMMAND_TIMEOUT_MS = 60_000;

interface Block {
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Expectation {
  readonly command: RegExp;
  /** Throws (an assertion) unless the output is what a reader expects. */
  readonly shows: (run: Run) => void;
  /** A read of data written just before, which may take a moment to become visible: re-run until it shows. */
  readonly rerun?: string;
}

const NOT_RUN: readonly { command: RegExp; reason: string }[] = [
  {
    command: /^npm ci && npm start\b/,
    reason:
      'reinstalls node_modules under the running tests and starts a second Sluice on the ports ' +
      "this test's Sluice holds; the test runs `sluice start` itself, which is what `npm start` runs",
  },
  { command: /^npm test\b/, reason: 'runs the whole test suite, this test included' },
];

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const sorted = (text: string) => lines(text).sort();

const EXPECTED: readonly Expectation[] = [
  {
    command: /^npx sluice topics create events --partitions 6 /,
    shows: (r) => assert.match(r.stdout, /^Created topic events\.$/m),
  },
  { command: /\| kcat .* -P -t events /, shows: (r) => assert.equal(r.stdout, '') },
  {
    command: /^kcat .* -C -t events -o beginning -e /,
    shows: (r) => {
      assert.match(r.stdout, /^alice => signed up \(partition [0-5], offset 0\)$/m);
      assert.match(r.stdout, /^bob => ordered a book \(partition [0-5], offset 0\)$/m);
    },
  },
  {
    command: /^kcat .* -G my-group .*-e events/,
    shows: (r) => assert.deepEqual(sorted(r.stdout), ['ordered a book', 'signed up']),
  },
  { command: /^echo 'hello' \| npx sluice produce events /, shows: (r) => assert.equal(r.stdout, '') },
  {
    command: /^npx sluice consume events --from-beginning --max-messages 3 --print-key/,
    shows: (r) =>
      assert.deepEqual(sorted(r.stdout), ['alice\tsigned up', 'bob\tordered a book', 'greeting\thello']),
  },
  {
    command: /^npx sluice topics describe events$/,
    shows: (r) => {
      assert.match(r.stdout, /PartitionCount: 6\b.*retention\.ms=86400000/);
      assert.equal(lines(r.stdout).filter((l) => /\tPartition: \d/.test(l)).length, 6);
    },
  },
  {
    command: /^npx sluice consume events --group billing --from-beginning --max-messages 3/,
    shows: (r) => assert.deepEqual(sorted(r.stdout), ['hello', 'ordered a book', 'signed up']),
  },
  {
    command: /^npx sluice groups describe billing/,
    shows: (r) => {
      // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...: all three records committed.
      const rows = lines(r.stdout)
        .map((l) => l.split(/\s+/))
        .filter((f) => f[0] === 'billing' && f[1] === 'events');
      assert.equal(rows.length, 6, r.stdout);
      assert.equal(
        rows.reduce((sum, f) => sum + Number(f[3]), 0),
        3,
        r.stdout,
      );
      for (const f of rows) assert.equal(f[5], '0', r.stdout);
    },
  },
  {
    command: /^npx sluice groups reset-offsets billing --topic events --to-earliest --execute$/,
    shows: (r) => {
      const rows = lines(r.stdout).filter((l) => /^billing\s+events\s+\d/.test(l));
      assert.equal(rows.length, 6, r.stdout);
      for (const row of rows) assert.match(row, /\s0$/);
    },
  },
  {
    command: /\|\s+npx sluice logs push --service orders --label env=dev/,
    shows: (r) => assert.match(r.stdout + r.stderr, /pushed 2 lines/),
  },
  {
    command: /^npx sluice logs query '\{service="orders"\} \|= "failed"'/,
    rerun: 'the log store indexes a pushed line moments after the push is answered, as Loki does',
    shows: (r) => {
      assert.match(r.stdout, /level=error msg="payment failed"/);
      assert.doesNotMatch(r.stdout, /order placed/);
    },
  },
  {
    command: /^npx sluice logs query 'sum by \(level\)/,
    rerun: 'as above',
    shows: (r) => {
      assert.match(r.stdout, /^\{level="error"\} 1$/m);
      // The pushed line, plus the pino snippet's probe line when it is still within the minute.
      assert.match(r.stdout, /^\{level="info"\} [12]$/m);
    },
  },
  {
    command: /^curl -s -X POST http:\/\/127\.0\.0\.1:8080\/subjects\/payments-value\/versions /,
    shows: (r) => assert.match(r.stdout, /^\{"id":\d+\}$/),
  },
  {
    command: /^curl -s http:\/\/127\.0\.0\.1:8080\/subjects\/payments-value\/versions\/latest$/,
    shows: (r) => {
      const body = JSON.parse(r.stdout) as { subject: string; version: number; schema: string };
      assert.equal(body.subject, 'payments-value');
      assert.equal(body.version, 1);
      assert.equal(JSON.parse(body.schema).name, 'Payment');
    },
  },
  {
    command: /^npx sluice config set orders greeting hello$/,
    shows: (r) => assert.match(r.stdout, /^set orders,default greeting \(version \d+, label main\)$/m),
  },
  {
    command: /^npx sluice config set orders,dev greeting 'hello dev'$/,
    shows: (r) => assert.match(r.stdout, /^set orders,dev greeting \(version \d+, label main\)$/m),
  },
  {
    command: /^curl -s http:\/\/127\.0\.0\.1:8080\/config\/orders\/dev$/,
    shows: (r) => {
      const env = JSON.parse(r.stdout) as {
        name: string;
        propertySources: { name: string; source: object }[];
      };
      assert.equal(env.name, 'orders');
      assert.deepEqual(env.propertySources, [
        { name: 'orders-dev', source: { greeting: 'hello dev' } },
        { name: 'orders', source: { greeting: 'hello' } },
      ]);
    },
  },
  {
    command: /^npx sluice config history orders greeting$/,
    shows: (r) => {
      const rows = lines(r.stdout).slice(1);
      assert.equal(rows.length, 2, r.stdout);
      assert.match(rows[0] ?? '', /\sset\s+orders,default\s+main\s+greeting\s+hello$/);
      assert.match(rows[1] ?? '', /\sset\s+orders,dev\s+main\s+greeting\s+hello dev$/);
    },
  },
  {
    command: /^npx sluice topics create orders --partitions 3$/,
    shows: (r) => assert.match(r.stdout, /^Created topic orders\.$/m),
  },
  {
    command: /^npx sluice pipeline apply deploy\/pipelines\/orders\.yaml$/,
    shows: (r) => assert.match(r.stdout, /^pipeline orders applied \((starting|running)\)$/m),
  },
  { command: /^echo '\{"id":"o-1".*\| npx sluice produce orders$/, shows: (r) => assert.equal(r.stdout, '') },
  {
    command: /^npx sluice consume orders-large --from-beginning --max-messages 1$/,
    rerun: 'the pipeline creates its output topics moments after apply answers',
    shows: (r) =>
      assert.equal(r.stdout, '{"id":"o-1","type":"order.created.web","amount":1500,"total":1800}\n'),
  },
  {
    command: /^npx sluice pipeline list$/,
    shows: (r) => assert.match(r.stdout, /^orders\s+api\s+running\s+1\s+2\s+0\s+0\s*$/m),
  },
  {
    command: /^npx sluice logs tail '\{level=~"warn\|error"\}'/,
    // Like Loki's tail, it starts with the last hour's matching lines.
    shows: (r) => {
      assert.match(r.stdout, /payment failed/);
      assert.doesNotMatch(r.stdout, /order placed/);
    },
  },
];

interface Snippet {
  /** Which README block: a line it contains. */
  readonly contains: string;
  /** Appended after the verbatim snippet to print what it made (marked in the file). */
  readonly probe: string;
  readonly shows: (run: Run) => void | Promise<void>;
  /** Paths the snippet itself creates, removed afterwards when they did not exist before. */
  readonly creates?: readonly string[];
}

const SNIPPETS: readonly Snippet[] = [
  {
    contains: "from 'kafkajs'",
    probe: '',
    shows: (r) => {
      const values = lines(r.stdout).filter((l) => !l.startsWith('{'));
      // kcat's two, sluice produce's hello, and the snippet's own 'signed up'.
      assert.equal(values.filter((v) => v === 'signed up').length, 2, r.stdout);
      assert.ok(values.includes('ordered a book') && values.includes('hello'), r.stdout);
    },
  },
  {
    contains: "from 'sluice/metrics'",
    probe: "const { register } = await import('prom-client');\nconsole.log(await register.metrics());",
    shows: (r) => {
      assert.match(r.stdout, /^sluice_client_messages_produced_total\{service="orders",topic="events"\} 1$/m);
      assert.match(
        r.stdout,
        /^sluice_client_messages_consumed_total\{service="orders",topic="events",group="billing"\} 1$/m,
      );
      assert.match(
        r.stdout,
        /^sluice_client_send_duration_seconds_count\{service="orders",topic="events"\} 1$/m,
      );
    },
  },
  {
    contains: "target: 'sluice/pino'",
    probe: "logger.info('readme pino snippet probe');",
    shows: async () => {
      const query = encodeURIComponent('{service="orders"} |= "readme pino snippet probe"');
      await eventually('the pino line in the Loki API', 15_000, async () => {
        const body = await (await fetch(`${HTTP}/loki/api/v1/query_range?query=${query}&limit=10`)).text();
        // The line is pino's JSON, itself a JSON string in Loki's answer.
        return body.includes('\\"msg\\":\\"readme pino snippet probe\\"') ? body : undefined;
      });
    },
  },
  {
    contains: "from 'sluice/config'",
    // Changes the value as `sluice config set` would, waits for the bus to bring it, then ends.
    probe: [
      "const changed = (await import('node:events')).once(config, 'change');",
      "await fetch('http://127.0.0.1:8080/api/config/properties/orders/dev/greeting', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'hi again' }) });",
      'await changed;',
      'await config.close();',
    ].join('\n'),
    shows: (r) => {
      assert.match(r.stdout, /^hello dev 30$/m);
      assert.match(r.stdout, /^changed greeting to hi again$/m);
    },
  },
  // Before sluice/discovery's entry: the sluice/http snippet imports sluice/discovery too.
  {
    contains: "from 'sluice/http'",
    probe: '',
    shows: (r) => assert.match(r.stdout, /^200 \{ sku: 'book', stock: 3 \}$/m),
  },
  {
    contains: "from 'sluice/discovery'",
    probe: '',
    shows: (r) => assert.match(r.stdout, /^ORDERS at \S+:3000$/m),
  },
  {
    contains: "from 'sluice/gateway'",
    probe: '',
    shows: (r) => assert.match(r.stdout, /^200 UP$/m),
  },
  {
    contains: "import { startBroker } from 'sluice';",
    probe: 'console.log(broker.bootstrap);',
    creates: ['/tmp/my-test-broker'],
    shows: (r) => assert.match(r.stdout, /^127\.0\.0\.1:\d+$/m),
  },
];

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    blocks.push({ lang: match[1] ?? '', code: match[2] ?? '', line });
  }
  return blocks;
}

/** A block's commands: a line ending in `|` or `\` goes on with the next, as in the shell. */
function shellCommands(code: string): string[] {
  const commands: string[] = [];
  let current = '';
  for (const line of code.split('\n')) {
    current = current ? `${current}\n${line}` : line;
    if (/(\||\\)\s*$/.test(line)) continue;
    if (current.trim()) commands.push(current.trim());
    current = '';
  }
  return commands;
}

const runsUntilCtrlC = (text: string) => /(#|\/\/).*Ctrl-C/.test(text);

/** A reader's fresh shell: npm's PATH, no SLUICE_* settings. */
function readerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SLUICE_')) env[key] = value;
  env.PATH = `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`;
  return env;
}

const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
});

/**
 * Runs `file args` in a process group of its own. With `until`, sends SIGINT to the group (a
 * terminal's Ctrl-C) once `until` stops throwing on the output so far.
 */
function runProcess(file: string, args: string[], until?: (run: Run) => unknown): Promise<Run> {
  const child = spawn(file, args, {
    cwd: ROOT,
    env: readerEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  const onOutput = () => {
    if (!until || interrupted) return;
    try {
      until({ code: null, signal: null, stdout, stderr });
    } catch {
      return;
    }
    interrupted = true;
    if (child.pid) process.kill(-child.pid, 'SIGINT');
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    onOutput();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    onOutput();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(
        new Error(`${file} ${args.join(' ')} did not end in time\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, COMMAND_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Exit 0; after a Ctrl-C, also 130 or death by SIGINT, as a shell would report it. */
function assertEnded(run: Run, interrupted: boolean, what: string): void {
  const ok = run.code === 0 || (interrupted && (run.code === 130 || run.signal === 'SIGINT'));
  assert.ok(ok, `${what}: exit ${run.code ?? run.signal}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

async function runCommand(command: string): Promise<void> {
  const expected = EXPECTED.find((e) => e.command.test(command));
  assert.ok(expected, `README command with no expectation in this test (add one to EXPECTED): ${command}`);
  const untilCtrlC = runsUntilCtrlC(command);
  const attempt = async () => {
    const run = await runProcess(
      'bash',
      ['-o', 'pipefail', '-c', command],
      untilCtrlC ? expected.shows : undefined,
    );
    assertEnded(run, untilCtrlC, command);
    expected.shows(run);
  };
  if (!expected.rerun) return attempt();
  await eventually(`${command} to show what README promises`, 15_000, async () => {
    await attempt();
    return true;
  });
}

async function runSnippet(block: Block): Promise<void> {
  const snippet = SNIPPETS.find((s) => block.code.includes(s.contains));
  assert.ok(
    snippet,
    `README snippet (line ${block.line}) with no expectation in this test (add one to SNIPPETS)`,
  );
  const dir = join(ROOT, 'dist', 'readme-snippets');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-line-${block.line}.mjs`);
  const probe = snippet.probe
    ? `\n// --- probe added by test/integration/readme-examples.test.ts ---\n${snippet.probe}\n`
    : '';
  writeFileSync(file, `${block.code}${probe}`);
  const fresh = (snippet.creates ?? []).filter((p) => !existsSync(p));
  try {
    const untilCtrlC = runsUntilCtrlC(block.code);
    const run = await runProcess(process.execPath, [file], untilCtrlC ? snippet.shows : undefined);
    assertEnded(run, untilCtrlC, `README snippet at line ${block.line}`);
    await snippet.shows(run);
  } finally {
    rmSync(file, { force: true });
    for (const path of fresh) rmSync(path, { recursive: true, force: true });
  }
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

async function skipReason(): Promise<string | undefined> {
  for (const port of [KAFKA_PORT, 8080]) {
    if (await portTaken(port)) return `127.0.0.1:${port}, README's default address, is in use`;
  }
  for (const tool of ['bash', 'kcat']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

const blocks = fencedBlocks(README);
const skip = await skipReason();

describe('README.md examples, run verbatim against sluice start', { skip }, () => {
  let sluice: ChildProcess;
  let banner = '';

  it('sluice start (what npm start runs) prints the banner README shows, on its default ports', async () => {
    sluice = spawnCli(['start', '--data-dir', tempDir('sluice-readme-')]);
    banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      sluice.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (/^ {2}data .*\n/m.test(out)) resolve(out);
      });
      sluice.once('exit', (code) => reject(new Error(`sluice start exited ${code}: ${out}`)));
    });
    const shown = blocks.find((b) => b.lang === '' && b.code.startsWith('sluice started\n'));
    assert.ok(shown, 'README shows the banner');
    const withoutData = (text: string) => lines(text).filter((l) => !l.startsWith('  data '));
    assert.deepEqual(withoutData(banner), withoutData(shown.code));
    for (const url of [`${HTTP}/`, `${HTTP}/metrics`, `${HTTP}/actuator/health`]) {
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      await res.body?.cancel();
    }
  });

  for (const block of blocks) {
    if (block.lang === 'sh' || block.lang === 'bash') {
      const commands = shellCommands(block.code);
      it(`README line ${block.line}: ${commands[0]}${commands.length > 1 ? ' ...' : ''}`, async (t) => {
        for (const command of commands) {
          const notRun = NOT_RUN.find((n) => n.command.test(command));
          if (notRun) {
            t.diagnostic(`not run: ${command} (${notRun.reason})`);
            continue;
          }
          await runCommand(command);
        }
      });
    } else if (block.lang === 'js' || block.lang === 'ts') {
      it(`README line ${block.line}: the ${block.lang} snippet with ${block.code.split('\n')[0]}`, () =>
        runSnippet(block));
    }
  }

  it('every expectation and exclusion in this test matches a README example', () => {
    const commands = blocks
      .filter((b) => b.lang === 'sh' || b.lang === 'bash')
      .flatMap((b) => shellCommands(b.code));
    for (const e of [...EXPECTED, ...NOT_RUN]) {
      assert.ok(
        commands.some((c) => e.command.test(c)),
        `${e.command} matches no README command`,
      );
    }
    for (const s of SNIPPETS) {
      assert.ok(
        blocks.some((b) => b.code.includes(s.contains)),
        `no README snippet contains ${s.contains}`,
      );
    }
  });

  after(async () => {
    if (sluice) await stop(sluice);
  });
});
