// The pipeline benchmark's pure parts (bench/lib/pipeline): the generator is deterministic and
// breaks the schema exactly once in a hundred; the Sluice pipeline it defines, run through
// Sluice's own pure core, produces what the generator expects; the Streams app's topic matcher
// (Java) agrees with the TypeScript one; the report renders ratios and skipped sides.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PipelineRun } from '../../../bench/lib/pipeline/report.js';
import { renderPipeline } from '../../../bench/lib/pipeline/report.js';
import type { RoundResult } from '../../../bench/lib/pipeline/round.js';
import { QUICK } from '../../../bench/lib/pipeline/round.js';
import {
  DLQ_TOPIC,
  expectedCounts,
  generate,
  pipelineYaml,
  routesOf,
  topicMatches,
  VALUE_BYTES,
} from '../../../bench/lib/pipeline/workload.js';
import {
  compilePipelines,
  PipelineMessage,
  parsePipelineFile,
  processMessage,
} from '../../../src/pipeline/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the pipeline workload', () => {
  it('gives the same message for the same seq, of exactly 1 KiB, keyed by its customer', () => {
    for (const seq of [0, 1, 99, 12_345, 100_000_000]) {
      const a = generate(seq);
      assert.deepEqual(generate(seq), a);
      assert.equal(a.value.length, VALUE_BYTES);
      const value = JSON.parse(a.value.toString('utf8'));
      assert.equal(a.key, value.customer.id);
      assert.equal(a.routingKey, `${value.type}.${value.region}`);
    }
    assert.notDeepEqual(generate(1).value, generate(2).value);
  });

  it('breaks the schema in exactly 1% of messages, with the amount as a string', () => {
    const counts = expectedCounts(0, 10_000);
    assert.equal(counts.invalid, 100);
    assert.equal(counts.topics[DLQ_TOPIC], 100);
    const bad = JSON.parse(generate(99).value.toString('utf8'));
    assert.equal(typeof bad.amount, 'string');
    // Every kind of outcome occurs: both outputs at once, none (dropped).
    assert.ok(counts.dropped > 0);
    assert.ok(counts.outputs > counts.messages - counts.invalid - counts.dropped);
  });

  it("is what Sluice's own pipeline core makes of the YAML: topics, counts and the transformed value", async () => {
    const pipelines = await compilePipelines(parsePipelineFile(pipelineYaml()));
    const pipeline = pipelines.get('bench');
    assert.ok(pipeline);
    const from = 5_000;
    const got: Record<string, number> = {};
    for (let seq = from; seq < from + 400; seq++) {
      const m = generate(seq);
      const result = await processMessage(
        pipeline,
        new PipelineMessage({
          key: Buffer.from(m.key),
          value: m.value,
          headers: [],
          timestamp: 0,
          source: { topic: 'pipeline-in', partition: 0, offset: BigInt(seq) },
        }),
      );
      if (result.error) {
        assert.equal(m.valid, false, `seq ${seq}: ${result.error.reason}`);
        got[DLQ_TOPIC] = (got[DLQ_TOPIC] ?? 0) + 1;
        continue;
      }
      assert.deepEqual(
        result.outputs.map((o) => o.topic),
        routesOf(m.routingKey),
        `seq ${seq}`,
      );
      for (const o of result.outputs) got[o.topic] = (got[o.topic] ?? 0) + 1;
      const input = JSON.parse(m.value.toString('utf8'));
      const output = result.outputs[0] ? JSON.parse(String(result.outputs[0].message.value)) : undefined;
      if (output) {
        assert.equal(output.customerId, input.customer.id);
        assert.equal(output.customer.id, undefined);
        assert.equal(output.channel, undefined);
        assert.equal(output.total, Math.round(input.amount * 1.2));
        assert.equal(output.route, m.routingKey);
      }
    }
    const expected = expectedCounts(from, 400).topics;
    for (const [topic, n] of Object.entries(expected)) assert.equal(got[topic] ?? 0, n, topic);
  });
});

describe('topic patterns in the Streams app', () => {
  const java = spawnSync('java', ['-version']).status === 0;
  it('match as the TypeScript definition does (RabbitMQ semantics)', {
    skip: java ? false : 'java is not installed',
  }, () => {
    const words = ['a', 'b', '', '*', '#'];
    const patterns = new Set<string>(['#', '*', '', 'order.#', '*.eu.*', 'refund.#']);
    const keys = new Set<string>(['', 'order.eu.west', 'payment.us.east', 'refund.eu', 'a..b', '.']);
    for (const x of words)
      for (const y of words) {
        patterns.add(`${x}.${y}`);
        for (const z of words) patterns.add(`${x}.${y}.${z}`);
      }
    for (const x of ['a', 'b', ''])
      for (const y of ['a', 'b', '']) {
        keys.add(x);
        keys.add(`${x}.${y}`);
        keys.add(`${x}.${y}.a`);
      }
    const pairs = [...patterns].flatMap((p) => [...keys].map((k) => [p, k] as const));
    const source = join(ROOT, 'bench/pipeline-streams/src/main/java/dev/sluice/bench/TopicPattern.java');
    const run = spawnSync('java', [source], {
      input: pairs.map(([p, k]) => `${p}\t${k}\n`).join(''),
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const answers = run.stdout.trim().split('\n');
    assert.equal(answers.length, pairs.length);
    for (const [i, [p, k]] of pairs.entries()) {
      assert.equal(answers[i] === '1', topicMatches(p, k), `'${p}' ~ '${k}'`);
    }
  });
});

describe('the pipeline report', () => {
  const round = (side: RoundResult['side'], n: number, throughput: number, p99: number): RoundResult => ({
    side,
    round: n,
    ok: true,
    notes: [],
    throughput,
    steadyThroughput: throughput * 1.2,
    firstOutputMs: 900,
    latency: { p50Ms: p99 / 4, p99Ms: p99, p999Ms: p99, maxMs: p99, samples: 40_000 },
    countsOk: true,
    latencyReceived: 10,
    latencyExpected: 10,
    cpuThroughputS: 20,
    peakRssMiB: 300,
  });
  const base: PipelineRun = {
    began: '2026-12-07T22:00:00.000Z',
    ended: '2026-12-07T22:10:00.000Z',
    argv: [],
    scale: { ...QUICK, rounds: 3 },
    machine: {
      cpuModel: 'test CPU',
      nproc: 2,
      memoryGiB: 8,
      kernel: 'linux',
      os: 'test',
      node: 'v24',
      loadAverageAtStart: [0, 0, 0],
    },
    versions: { Sluice: '0.1.0' },
    sides: ['sluice', 'streams'],
    skipped: {},
    streamsThreads: 2,
    fillExpected: expectedCounts(0, 1000),
    latencyExpected: expectedCounts(100_000_000, 1000),
    commands: { 'Sluice pipeline': 'node dist/src/cli/main.js pipeline run' },
    rounds: [],
  };

  it('gives medians with their spread and the ratios Sluice / Streams', () => {
    const text = renderPipeline({
      ...base,
      rounds: [
        round('sluice', 1, 9000, 40),
        round('sluice', 2, 11_000, 60),
        round('sluice', 3, 10_000, 50),
        round('streams', 1, 5000, 100),
        round('streams', 2, 5000, 100),
        round('streams', 3, 5000, 100),
      ],
    });
    assert.match(text, /throughput 2\.00× \(goal ≥ 1\.0: met\)/);
    assert.match(
      text,
      /\| throughput, msg\/s \(processor start → last output\) \| 10,000 ±10% \| 5,000 ±0% \| 2\.00× \|/,
    );
    assert.match(text, /latency p50 0\.50×, p99 0\.50×/);
    assert.match(text, /\| output counts = expected \| 3 of 3 rounds \| 3 of 3 rounds \| \|/);
  });

  it('says why a side was not run, and gives no ratio without it', () => {
    const why = 'sluice pipeline run is not available in this build';
    const text = renderPipeline({
      ...base,
      skipped: { sluice: why },
      rounds: [round('streams', 1, 5000, 100)],
    });
    assert.match(text, new RegExp(`No ratio yet: ${why}`));
    assert.match(text, /\| throughput, msg\/s \(processor start → last output\) \| not run \| 5,000 \| — \|/);
  });

  it('lists a failed round with its error', () => {
    const failed: RoundResult = {
      side: 'streams',
      round: 2,
      ok: false,
      notes: [],
      error: 'count: timed out',
    };
    const text = renderPipeline({ ...base, rounds: [round('streams', 1, 5000, 100), failed] });
    assert.match(text, /Kafka Streams on Kafka, round 2: count: timed out/);
    assert.match(text, /1 of 2 rounds/);
  });
});
