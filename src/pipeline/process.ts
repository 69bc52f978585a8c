// One message through one pipeline: its steps in order, then its routes. Pure apart from the
// schema lookups its validate steps may make: no Kafka, no clock, no retries — the runtime
// produces the outputs, and on an error asks nextAttempt (retry/policy.ts) what to do.

import type { CompiledPipeline } from './config/compile.js';
import type { StepFailure } from './failure.js';
import type { PipelineMessage } from './message.js';

export interface Output {
  readonly topic: string;
  readonly message: PipelineMessage;
}

export interface ProcessResult {
  /** Where the message goes, each topic once; empty when filtered, failed or dropped unmatched. */
  readonly outputs: readonly Output[];
  /** Why a filter step dropped it. */
  readonly filtered?: { readonly step: number; readonly reason: string };
  readonly error?: StepFailure;
  /** No binding matched: `routed` to the unmatched topic or `dropped`. */
  readonly unmatched?: 'routed' | 'dropped';
  /** Indexes of the bindings that matched (for per-route counts). */
  readonly bindings?: readonly number[];
}

const STAGE_OF_STEP = (type: string) => (type === 'validate' ? 'validate' : 'transform');

export async function processMessage(
  pipeline: CompiledPipeline,
  input: PipelineMessage,
): Promise<ProcessResult> {
  let message = input;
  for (const [index, step] of pipeline.steps.entries()) {
    let outcome: Awaited<ReturnType<typeof step.run>>;
    try {
      outcome = await step.run(message);
    } catch (err) {
      // A step is written not to throw; if one does, the message still gets a reason, not a crash.
      outcome = { kind: 'error', reason: `unexpected failure: ${(err as Error).message ?? String(err)}` };
    }
    if (outcome.kind === 'filtered')
      return { outputs: [], filtered: { step: index, reason: outcome.reason } };
    if (outcome.kind === 'error') {
      const error: StepFailure = {
        stage: STAGE_OF_STEP(step.type),
        reason: outcome.reason,
        step: index,
        stepType: step.type,
        retriable: outcome.retriable ?? false,
      };
      return { outputs: [], error };
    }
    message = outcome.message;
  }
  const routed = await pipeline.router.route(message);
  if (!routed.ok) return { outputs: [], error: { stage: 'route', reason: routed.reason, retriable: false } };
  if (routed.topics.length > 0) {
    return { outputs: routed.topics.map((topic) => ({ topic, message })), bindings: routed.bindings };
  }
  if (pipeline.unmatched === 'drop') return { outputs: [], unmatched: 'dropped', bindings: [] };
  return { outputs: [{ topic: pipeline.unmatched.to, message }], unmatched: 'routed', bindings: [] };
}
