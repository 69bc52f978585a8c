// What went wrong with one message: the stage, the reason in words, the step (index and type)
// and whether trying again may help. Written into dead-letter headers and counted by the runtime.

export type FailureStage = 'validate' | 'transform' | 'route';

export interface StepFailure {
  readonly stage: FailureStage;
  readonly reason: string;
  /** Index of the step in `steps`, or undefined for routing. */
  readonly step?: number;
  /** The step's type (`validate`, `cast`, ...). */
  readonly stepType?: string;
  /**
   * A failure that may pass on another attempt (the schema registry did not answer). A message
   * that breaks its schema or an expression fails the same way every time: it goes straight to
   * the dead-letter topic.
   */
  readonly retriable: boolean;
}

/** What a step makes of a message. */
export type StepOutcome<M> =
  | { readonly kind: 'ok'; readonly message: M }
  | { readonly kind: 'filtered'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string; readonly retriable?: boolean };

export function ok<M>(message: M): StepOutcome<M> {
  return { kind: 'ok', message };
}

export function fail<M>(reason: string, retriable = false): StepOutcome<M> {
  return { kind: 'error', reason, retriable };
}
