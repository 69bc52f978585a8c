// The pipeline room's only door: the pure core of message pipelines. Definitions (the `pipelines:`
// config section, files for `sluice pipeline apply`) compiled once; the message model; steps
// (validate, transform, filter and Connect-style SMTs); RabbitMQ-style routing; retry decisions
// and the retry and dead-letter records; and the runtime (runtime/) that runs them against Kafka:
// consumes, produces, commits, the admin API and replay.
export {
  type CompiledPipeline,
  type CompiledSource,
  type CompileOptions,
  compilePipeline,
  compilePipelines,
} from './config/compile.js';
export { parsePipelineFile } from './config/parse-file.js';
export {
  type ErrorPolicyDefinition,
  PIPELINE_NAME_PATTERN,
  type PipelineDefinition,
  type PipelinesSection,
  pipelinesConfigSection,
  type StepDefinition,
} from './config/section.js';
export { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from './expression.js';
export type { FailureStage, StepFailure } from './failure.js';
export {
  type Header,
  type Json,
  type MessageFields,
  type MessageSource,
  PipelineMessage,
} from './message.js';
export { pipelinesComponent } from './pipelines-component.js';
export { type Output, type ProcessResult, processMessage } from './process.js';
export {
  HEADER as PIPELINE_HEADERS,
  isPipelineHeader,
  originalMessage,
  type PipelineHeaders,
  readPipelineHeaders,
} from './retry/headers.js';
export {
  type AttemptState,
  backoffMs,
  deadLetterTopicName,
  type NextAttempt,
  nextAttempt,
  type RetryPolicy,
  type RetryTopic,
  retryTopicName,
} from './retry/policy.js';
export { deadLetterRecord, type FailedMessage, type OutputRecord, retryRecord } from './retry/records.js';
export type { BindingDefinition, ExchangeType, RoutesDefinition } from './routing/router.js';
export type { RoutingKeySource } from './routing/routing-key.js';
export { type RuntimeClock, SYSTEM_CLOCK } from './runtime/clock.js';
export { HttpSchemaResolver } from './runtime/http-resolver.js';
export {
  type ManagerOptions,
  type PipelineDetail,
  PipelineManager,
  type PipelineSummary,
  parseDefinition,
} from './runtime/manager.js';
export {
  emptyCounts,
  type PipelineCounts,
  type PipelineMetrics,
  prometheusPipelineMetrics,
} from './runtime/metrics.js';
export { type ReplayOptions, type ReplayResult, replayDeadLetters } from './runtime/replay.js';
export {
  PipelineRunner,
  type RunnerOptions,
  type RunnerState,
  type RunnerStatus,
  retryGroup,
} from './runtime/runner.js';
export { DEFAULT_PIPELINES_TOPIC, PipelineStore } from './runtime/store.js';
export type { RegisteredSchema, SchemaResolver, SchemaType } from './schemas/resolver.js';
export { SchemaValidators } from './schemas/validators.js';
export { frameValue, VALUE_SCHEMA_ID_HEADER, writeMessageIndexes } from './schemas/wire-format.js';
export { STEP_TYPES, type StepType } from './steps/step-types.js';
export { topicNameProblem } from './topic-name.js';
