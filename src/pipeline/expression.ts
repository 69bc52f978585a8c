// JSONata expressions (transform, filter, `when:` predicates): compiled once at load, evaluated per
// message directly when the expression is a plain one (expression-direct.ts: the same result, no
// promises), else with jsonata's own guard rails: a time budget (checked at every step of the evaluation,
// error D1012) and a depth limit (D1011), so an expression that recurses forever fails that message
// instead of holding the pipeline. Regular expressions inside run on RE2 (linear time), as every
// user-supplied regex in Sluice does: a catastrophic pattern cannot stall the check above, which
// only runs between steps.

import jsonata from 'jsonata';
import { RE2JS } from 're2js';
import { compileDirect, OUTSIDE } from './expression-direct.js';
import type { PipelineMessage } from './message.js';

export interface ExpressionLimits {
  /** Per evaluation, ms. */
  readonly timeoutMs: number;
  /** Nesting depth of the evaluation (recursive functions). */
  readonly maxDepth: number;
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = { timeoutMs: 250, maxDepth: 500 };

/** A JSONata error as thrown by the library: a code, a position in the expression, a message. */
interface JsonataFailure {
  readonly code?: string;
  readonly position?: number;
  readonly message?: string;
}

/** Thrown by compileExpression: what is wrong with the text, and where. */
export class ExpressionSyntaxError extends Error {}

/** JSONata's RegExp interface (`lastIndex`, `exec`) over RE2. */
class Re2Engine {
  lastIndex = 0;
  readonly #re: RE2JS;

  constructor(pattern: RegExp | string) {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    const flags = typeof pattern === 'string' ? '' : pattern.flags;
    let re2Flags = 0;
    if (flags.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes('m')) re2Flags |= RE2JS.MULTILINE;
    if (flags.includes('s')) re2Flags |= RE2JS.DOTALL;
    this.#re = RE2JS.compile(source, re2Flags);
  }

  exec(input: string): RegExpExecArray | null {
    const matcher = this.#re.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input }) as unknown as RegExpExecArray;
    this.lastIndex = matcher.end();
    return result;
  }
}

/** Every regex literal in an expression's syntax tree (checked against RE2 at load). */
function regexLiterals(node: unknown, into: RegExp[] = []): RegExp[] {
  if (node instanceof RegExp) into.push(node);
  else if (Array.isArray(node)) for (const child of node) regexLiterals(child, into);
  else if (node !== null && typeof node === 'object') {
    for (const child of Object.values(node)) regexLiterals(child, into);
  }
  return into;
}

export interface CompiledExpression {
  readonly source: string;
  /** The result, undefined when the expression selects nothing; throws an Error with the reason. */
  evaluate(input: unknown, message: PipelineMessage): Promise<unknown>;
}

/** Compiles `source`; throws ExpressionSyntaxError (`JSONata syntax error at position 14: ...`). */
export function compileExpression(source: string, limits: ExpressionLimits): CompiledExpression {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, {
      timeout: limits.timeoutMs,
      stack: limits.maxDepth,
      RegexEngine: Re2Engine as unknown as RegExpConstructor,
    });
  } catch (err) {
    const e = err as JsonataFailure;
    throw new ExpressionSyntaxError(`JSONata syntax error at position ${e.position ?? 0}: ${e.message}`);
  }
  for (const regex of regexLiterals(expression.ast())) {
    try {
      new Re2Engine(regex);
    } catch (err) {
      throw new ExpressionSyntaxError(
        `regular expression /${regex.source}/ is not RE2: ${(err as Error).message}`,
      );
    }
  }
  const direct = compileDirect(expression.ast(), VARIABLES);
  return {
    source,
    async evaluate(input, message) {
      if (direct !== undefined) {
        try {
          return direct(input, (name) => variableOf(message, name));
        } catch (err) {
          if (err !== OUTSIDE) throw err;
        }
      }
      try {
        return await expression.evaluate(input, bindingsOf(message));
      } catch (err) {
        const e = err as JsonataFailure;
        if (e.code === undefined) throw err instanceof Error ? err : new Error(String(err));
        const at = e.position === undefined ? '' : ` at position ${e.position}`;
        throw new Error(`JSONata error ${e.code}${at}: ${e.message}`);
      }
    },
  };
}

/** What an expression may read besides the value: `$key`, `$headers`, `$topic`, ... */
function bindingsOf(message: PipelineMessage): Record<string, unknown> {
  return Object.fromEntries(VARIABLES.map((name) => [name, variableOf(message, name)]));
}

const VARIABLES = ['key', 'headers', 'topic', 'partition', 'offset', 'timestamp'] as const;

function variableOf(message: PipelineMessage, name: string): unknown {
  switch (name) {
    case 'key':
      return message.key === null ? null : message.key.toString('utf8');
    case 'headers': {
      const headers: Record<string, string> = {};
      for (const [header, value] of message.headers) headers[header] = value.toString('utf8');
      return headers;
    }
    case 'topic':
      return message.source.topic;
    case 'partition':
      return message.source.partition;
    case 'offset':
      return Number(message.source.offset);
    case 'timestamp':
      return message.timestamp;
    default:
      return undefined;
  }
}

/** JSONata's `$boolean`: how a predicate's result reads as true or false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'function') return false;
  return Object.keys(value).length > 0;
}
