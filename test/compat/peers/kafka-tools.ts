// Apache Kafka's own CLI tools (the Java client) as peers, through scripts/peers/kafka-tool.sh.

import { join } from 'node:path';
import { checkRun, type RunResult, repoRoot, runProcess } from './process.js';
import { DEFAULT_TIMEOUT_MS } from './types.js';

export type KafkaTool =
  | 'topics'
  | 'console-producer'
  | 'console-consumer'
  | 'consumer-groups'
  | 'producer-perf-test'
  | 'consumer-perf-test'
  | 'configs'
  | 'log-dirs'
  | 'leader-election'
  | 'transactions';

/** Runs one tool (`kafka-tool.sh TOOL args...`); throws unless it exits 0 in time. */
export async function kafkaTool(
  tool: KafkaTool,
  args: readonly string[],
  opts: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<RunResult> {
  const script = join(repoRoot(), 'scripts', 'peers', 'kafka-tool.sh');
  const r = await runProcess('bash', [script, tool, ...args], {
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  return checkRun(r, `kafka-tool ${tool}`);
}
