// `sluice consume --group` and `sluice groups ...` as users run them: the compiled CLI in child
// processes against a broker that the CLI itself started (`sluice broker --port 0`).

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CliResult, collect, LISTENING, lines, spawnCli, tempDir } from '../helpers/cli-process.js';

function cli(args: string[], input = ''): Promise<CliResult> {
  const child = spawnCli(args);
  const result = collect(child, 30_000);
  child.stdin?.end(input);
  return result;
}

async function startBroker(): Promise<string> {
  const dataDir = tempDir('sluice-cli-groups-');
  const child = spawnCli(['broker', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
  child.stdin?.end();
  let seen = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start: ${seen}`)), 15_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
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
  // Keep draining its output so that the broker never blocks on a full pipe.
  child.stderr?.resume();
  return `${match[1]}:${match[2]}`;
}

interface OffsetRow {
  topic: string;
  partition: number;
  current: string;
  logEnd: string;
  lag: string;
  consumerId: string;
}

/** The per-partition table of `groups describe` (GROUP TOPIC PARTITION CURRENT-OFFSET ...). */
function offsetTable(stdout: string): OffsetRow[] {
  const all = stdout.split('\n');
  const start = all.findIndex((l) => l.startsWith('GROUP ') && l.includes('CURRENT-OFFSET'));
  if (start < 0) return [];
  const rows: OffsetRow[] = [];
  for (const line of all.slice(start + 1)) {
    if (line.trim() === '') break;
    const [, topic = '', partition = '', current = '', logEnd = '', lag = '', consumerId = ''] =
      line.split(/\s+/);
    rows.push({ topic, partition: Number(partition), current, logEnd, lag, consumerId });
  }
  return rows;
}

/** STATE and #MEMBERS from the first table of `groups describe`. */
function groupState(stdout: string): { state: string; members: number } | undefined {
  const match = /^\S+\s+\S+ \(\d+\)\s+\S+\s+(\S+)\s+(\d+)$/m.exec(stdout);
  return match ? { state: match[1] ?? '', members: Number(match[2]) } : undefined;
}

/** NEW-OFFSET by partition from a reset-offsets plan. */
function plan(stdout: string): Map<number, number> {
  const rows = lines(stdout).slice(1);
  return new Map(rows.map((row) => row.split(/\s+/)).map((cells) => [Number(cells[2]), Number(cells[3])]));
}

/** "Partition:P<TAB>Offset:O<TAB>value" lines (consume --print-offset) as [partition, offset, value]. */
function printed(stdout: string): [number, number, string][] {
  return lines(stdout).map((line) => {
    const match = /^Partition:(\d+)\tOffset:(\d+)\t(.*)$/.exec(line);
    assert.ok(match, `unexpected consume output line: ${line}`);
    return [Number(match[1]), Number(match[2]), match[3] ?? ''];
  });
}

describe('sluice consumer groups', () => {
  const TOPIC = 'grp-orders';
  let bootstrap: string[];

  before(async () => {
    bootstrap = ['--bootstrap', await startBroker()];
    const created = await cli(['topics', 'create', TOPIC, '--partitions', '3', ...bootstrap]);
    assert.equal(created.code, 0, created.stderr);
  });

  const describeGroup = async (group: string) => {
    const result = await cli(['groups', 'describe', group, ...bootstrap]);
    assert.equal(result.code, 0, result.stderr);
    return result;
  };
  const produce = async (values: string[]) => {
    const result = await cli(['produce', TOPIC, ...bootstrap], values.map((v) => `${v}\n`).join(''));
    assert.equal(result.code, 0, result.stderr);
  };
  /** Reads as group `g` until `count` messages (or 5 s without one), with offsets. */
  const consumeGroup = async (count: number, extra: string[] = []) => {
    const args = ['consume', TOPIC, '--group', 'g', '--print-offset', '--timeout-ms', '5000', ...extra];
    const result = await cli([
      ...args,
      ...(count > 0 ? ['--max-messages', String(count)] : []),
      ...bootstrap,
    ]);
    assert.equal(result.code, 0, result.stderr);
    return printed(result.stdout);
  };
  /** Nothing more to read for group `g`: its committed offsets are at the log end. */
  const assertCaughtUp = async () => {
    const rest = await cli(['consume', TOPIC, '--group', 'g', '--timeout-ms', '800', ...bootstrap]);
    assert.equal(rest.code, 0, rest.stderr);
    assert.equal(rest.stdout, '');
  };
  const reset = (args: string[]) =>
    cli(['groups', 'reset-offsets', 'g', '--topic', TOPIC, ...args, ...bootstrap]);
  const logEnds = async () =>
    new Map(offsetTable((await describeGroup('g')).stdout).map((r) => [r.partition, Number(r.logEnd)]));

  it('prints usage and exits 2 on bad command lines', async () => {
    const top = await cli(['--help']);
    assert.match(top.stdout, /^ {2}groups /m);
    const help = await cli(['groups', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: sluice groups/);
    const cases: [string[], RegExp][] = [
      [['groups'], /missing subcommand/],
      [['groups', 'rename', 'g'], /unknown subcommand 'groups rename'/],
      [['groups', 'describe'], /missing GROUP/],
      [['groups', 'delete', 'a', 'b'], /unexpected argument 'b'/],
      [['groups', 'list', '--frobnicate'], /unknown option '--frobnicate'/],
      [['groups', 'list', '--state', 'Sleeping'], /--state must be one of/],
      [['groups', 'describe', 'g', '--to-earliest'], /does not apply to 'groups describe'/],
      [['groups', 'reset-offsets', 'g', '--topic', TOPIC], /needs one of --to-earliest/],
      [['groups', 'reset-offsets', 'g', '--to-latest'], /needs --topic/],
      [['groups', 'reset-offsets', 'g', '--topic', TOPIC, '--to-earliest', '--shift-by', '1'], /only one of/],
      [
        ['groups', 'reset-offsets', 'g', '--topic', TOPIC, '--shift-by', 'two'],
        /--shift-by must be an integer/,
      ],
      [
        ['groups', 'reset-offsets', 'g', '--topic', TOPIC, '--to-offset=-1'],
        /--to-offset must be an integer >= 0/,
      ],
      [['groups', 'reset-offsets', 'g', '--topic', `${TOPIC}:x`, '--to-latest'], /--topic expects TOPIC/],
      [['groups', 'reset-offsets', 'g', '--topic', TOPIC, '--to-datetime', 'noon'], /--to-datetime expects/],
      [
        ['groups', 'reset-offsets', 'g', '--topic', TOPIC, '--to-latest', '--execute', '--dry-run'],
        /cannot be used together/,
      ],
      [['consume', TOPIC, '--group', 'g', '--partition', '0'], /--partition cannot be used with --group/],
      [['consume', TOPIC, '--group='], /--group must not be empty/],
    ];
    // Independent of each other and of the broker's state: run them side by side.
    const results = await Promise.all(cases.map(([args]) => cli([...args, ...bootstrap])));
    for (const [i, [args, message]] of cases.entries()) {
      const result = results[i] as CliResult;
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.match(result.stderr, /Usage: sluice (groups|consume)/);
    }
  });

  it('consumes every message as a group and commits what it printed', async () => {
    await produce(Array.from({ length: 20 }, (_, i) => `m${i}`));
    const args = ['consume', TOPIC, '--group', 'g', '--from-beginning', '--max-messages', '20'];
    const consumed = await cli([...args, ...bootstrap]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(lines(consumed.stdout).sort(), Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    assert.match(consumed.stderr, /Processed a total of 20 messages/);
    await assertCaughtUp();
  });

  it('lists the group as Empty once its consumer has left', async () => {
    const listed = await cli(['groups', 'list', ...bootstrap]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(lines(listed.stdout)[0]?.split(/\s+/), ['GROUP', 'STATE', 'PROTOCOL-TYPE']);
    assert.ok(
      lines(listed.stdout).some((l) => /^g\s+Empty\s+consumer$/.test(l)),
      listed.stdout,
    );
    const empty = await cli(['groups', 'list', '--state', 'empty', ...bootstrap]);
    assert.ok(
      lines(empty.stdout).some((l) => l.startsWith('g ')),
      empty.stdout,
    );
    const stable = await cli(['groups', 'list', '--state', 'Stable,PreparingRebalance', ...bootstrap]);
    assert.equal(stable.code, 0, stable.stderr);
    assert.ok(!lines(stable.stdout).some((l) => l.startsWith('g ')), stable.stdout);
  });

  it('describes the offsets and lag of each partition', async () => {
    const described = await describeGroup('g');
    assert.deepEqual(groupState(described.stdout), { state: 'Empty', members: 0 });
    const rows = offsetTable(described.stdout);
    assert.deepEqual(
      rows.map((r) => r.partition),
      [0, 1, 2],
    );
    for (const row of rows) {
      assert.equal(row.topic, TOPIC);
      assert.equal(row.lag, '0');
      assert.equal(row.current, row.logEnd);
      assert.equal(row.consumerId, '-');
    }
    assert.equal(
      rows.reduce((n, r) => n + Number(r.logEnd), 0),
      20,
    );
    assert.match(described.stderr, /Consumer group 'g' has no active members/);

    await produce(['m20', 'm21', 'm22', 'm23', 'm24']);
    const lagging = offsetTable((await describeGroup('g')).stdout);
    assert.equal(
      lagging.reduce((n, r) => n + Number(r.lag), 0),
      5,
    );
  });

  it('plans a reset without changing anything, then executes it', async () => {
    const initial = offsetTable((await describeGroup('g')).stdout);
    const dry = await reset(['--to-earliest']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(lines(dry.stdout)[0]?.split(/\s+/), ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']);
    assert.deepEqual(
      [...plan(dry.stdout)],
      [
        [0, 0],
        [1, 0],
        [2, 0],
      ],
    );
    assert.match(dry.stderr, /--execute/);
    assert.deepEqual(offsetTable((await describeGroup('g')).stdout), initial);

    const executed = await reset(['--to-earliest', '--execute']);
    assert.equal(executed.code, 0, executed.stderr);
    assert.deepEqual(
      [...plan(executed.stdout)],
      [
        [0, 0],
        [1, 0],
        [2, 0],
      ],
    );
    const moved = offsetTable((await describeGroup('g')).stdout);
    assert.deepEqual(
      moved.map((r) => r.current),
      ['0', '0', '0'],
    );
    assert.equal(
      moved.reduce((n, r) => n + Number(r.lag), 0),
      25,
    );

    const reread = await consumeGroup(25);
    assert.equal(reread.length, 25);
    assert.deepEqual(reread.map(([, , v]) => v).sort(), Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
    await assertCaughtUp();
  });

  it('shifts offsets back by N', async () => {
    const ends = await logEnds();
    const shifted = await reset(['--shift-by', '-2', '--execute']);
    assert.equal(shifted.code, 0, shifted.stderr);
    assert.deepEqual(
      [...plan(shifted.stdout)],
      [...ends].map(([p, end]) => [p, end - 2]),
    );
    const reread = await consumeGroup(6);
    assert.deepEqual(
      reread.map(([p, o]) => `${p}:${o}`).sort(),
      [...ends].flatMap(([p, end]) => [`${p}:${end - 2}`, `${p}:${end - 1}`]).sort(),
    );
    await assertCaughtUp();
    // Shifting past the log end stops at it.
    const forward = await reset(['--shift-by', '100']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.deepEqual(plan(forward.stdout), ends);
    assert.match(forward.stderr, /higher than the latest offset/);
  });

  it('resets some partitions to an offset, clamped to the log', async () => {
    const ends = await logEnds();
    const one = await cli([
      'groups',
      'reset-offsets',
      'g',
      '--topic',
      `${TOPIC}:1`,
      '--to-offset',
      '3',
      '--execute',
      ...bootstrap,
    ]);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual([...plan(one.stdout)], [[1, 3]]);
    const end1 = ends.get(1) ?? 0;
    assert.ok(end1 > 3, `partition 1 has ${end1} messages`);
    const reread = await consumeGroup(end1 - 3);
    assert.deepEqual(
      reread.map(([p, o]) => `${p}:${o}`),
      Array.from({ length: end1 - 3 }, (_, i) => `1:${3 + i}`),
    );
    await assertCaughtUp();
    const high = await reset(['--to-offset', '1000']);
    assert.equal(high.code, 0, high.stderr);
    assert.deepEqual(plan(high.stdout), ends);
  });

  it('resets to the first offset at or after a time', async () => {
    // Every message so far has a timestamp before `since`; the late ones are produced once the
    // clock has reached it.
    const sinceMs = Date.now() + 1;
    const since = new Date(sinceMs).toISOString();
    while (Date.now() < sinceMs) await sleep(1);
    await produce(['late-0', 'late-1', 'late-2', 'late-3']);
    const ends = await logEnds();
    assert.equal((await reset(['--to-earliest', '--execute'])).code, 0);
    const byTime = await reset(['--to-datetime', since, '--execute']);
    assert.equal(byTime.code, 0, byTime.stderr);
    const reread = await consumeGroup(4);
    assert.deepEqual(reread.map(([, , v]) => v).sort(), ['late-0', 'late-1', 'late-2', 'late-3']);
    await assertCaughtUp();
    // No message at or after that time: the log end offset, as Kafka does.
    const future = await reset(['--to-datetime', '2999-01-01T00:00:00Z']);
    assert.equal(future.code, 0, future.stderr);
    assert.deepEqual(plan(future.stdout), ends);
  });

  it('starts a new group at the log end without --from-beginning and commits there', async () => {
    const result = await cli(['consume', TOPIC, '--group', 'g-latest', '--timeout-ms', '800', ...bootstrap]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const rows = offsetTable((await describeGroup('g-latest')).stdout);
    assert.equal(rows.length, 3);
    for (const row of rows) assert.equal(row.current, row.logEnd);
  });

  it('refuses to reset or delete while a member is active, and deletes the group once it left', async () => {
    const committed = offsetTable((await describeGroup('g')).stdout);
    const member = spawnCli(['consume', TOPIC, '--group', 'g', ...bootstrap]);
    member.stdin?.end();
    const memberResult = collect(member, 60_000);
    let described: CliResult | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      described = await describeGroup('g');
      const state = groupState(described.stdout);
      if (state?.state === 'Stable' && state.members === 1) break;
      await sleep(300);
    }
    assert.deepEqual(groupState(described?.stdout ?? ''), { state: 'Stable', members: 1 });
    assert.match(
      described?.stdout ?? '',
      new RegExp(`^g\\s+\\S+\\s+\\S+\\s+\\S+\\s+3\\s+${TOPIC}\\(0,1,2\\)$`, 'm'),
    );
    const owned = offsetTable(described?.stdout ?? '');
    assert.equal(owned.length, 3);
    for (const row of owned) assert.notEqual(row.consumerId, '-');

    for (const args of [['--to-earliest', '--execute'], ['--to-earliest']]) {
      const refused = await reset(args);
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(
        refused.stderr,
        /^sluice: cannot reset offsets of consumer group 'g' while it has active members/,
      );
    }
    const notDeleted = await cli(['groups', 'delete', 'g', ...bootstrap]);
    assert.equal(notDeleted.code, 1);
    assert.equal(
      notDeleted.stderr,
      "sluice: cannot delete consumer group 'g': it has active members (NON_EMPTY_GROUP)\n",
    );
    assert.deepEqual(
      offsetTable((await describeGroup('g')).stdout).map((r) => r.current),
      committed.map((r) => r.current),
    );

    member.kill('SIGTERM');
    const left = await memberResult;
    assert.equal(left.code, 0, left.stderr);
    assert.match(left.stderr, /Processed a total of 0 messages/);
    // It left the group on the way out: no session timeout to wait for.
    assert.deepEqual(groupState((await describeGroup('g')).stdout), { state: 'Empty', members: 0 });

    const deleted = await cli(['groups', 'delete', 'g', ...bootstrap]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /Deletion of requested consumer groups \('g'\) was successful/);
    const gone = await cli(['groups', 'describe', 'g', ...bootstrap]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, "sluice: consumer group 'g' does not exist\n");
    const listed = await cli(['groups', 'list', ...bootstrap]);
    assert.ok(!lines(listed.stdout).some((l) => l.startsWith('g ')), listed.stdout);
    const again = await cli(['groups', 'delete', 'g', ...bootstrap]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, "sluice: consumer group 'g' does not exist\n");
  });

  it('leaves the group when its output is closed (`| head`)', async () => {
    const member = spawnCli(['consume', TOPIC, '--group', 'g-pipe', ...bootstrap]);
    member.stdin?.end();
    const exited = collect(member, 30_000);
    for (let attempt = 0; attempt < 50; attempt++) {
      // The group does not exist until the member's JoinGroup arrives.
      const described = await cli(['groups', 'describe', 'g-pipe', ...bootstrap]);
      if (groupState(described.stdout)?.state === 'Stable') break;
      await sleep(300);
    }
    member.stdout?.destroy();
    // The next message it prints finds the pipe closed.
    await produce(['to-a-closed-pipe']);
    const result = await exited;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(groupState((await describeGroup('g-pipe')).stdout), { state: 'Empty', members: 0 });
  });

  it('exits 1 for an unknown topic or partition', async () => {
    const cases: [string[], string][] = [
      [['consume', 'grp-nope', '--group', 'g2'], "sluice: topic 'grp-nope' does not exist\n"],
      [
        ['groups', 'reset-offsets', 'g2', '--topic', 'grp-nope', '--to-latest'],
        "sluice: topic 'grp-nope' does not exist\n",
      ],
      [
        ['groups', 'reset-offsets', 'g2', '--topic', `${TOPIC}:0,7`, '--to-latest'],
        `sluice: partition 7 does not exist: topic '${TOPIC}' has 3 partition(s)\n`,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => cli([...args, ...bootstrap])));
    for (const [i, [args, stderr]] of cases.entries()) {
      const result = results[i] as CliResult;
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, stderr);
    }
  });
});
