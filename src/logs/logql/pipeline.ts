import type { LogEntry } from '../model.js';
import type { CompareOp, LabelFilterExpr, LineFilter, Stage } from './ast.js';
import { ERROR_LABEL, parseJsonLine, parseJsonPaths, parseLogfmtLine, setError } from './line-parsers.js';
import { matcherMatches } from './matchers.js';
import { parseBytes, parseDurationMs } from './units.js';

/** An entry after the pipeline: its line and every label it now has (stream, metadata, parsed). */
export interface ProcessedEntry {
  line: string;
  labels: Record<string, string>;
}

export type Pipeline = (entry: LogEntry) => ProcessedEntry | undefined;

function lineFilterPasses(f: LineFilter, line: string): boolean {
  const any = f.regexes ? f.regexes.some((re) => re.test(line)) : f.values.some((v) => line.includes(v));
  return f.op === '|=' || f.op === '|~' ? any : !any;
}

function compare(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$|^\s*[+-]?(?:Inf|NaN)\s*$/i;

function convert(kind: 'number' | 'duration' | 'bytes', text: string): number | undefined {
  if (kind === 'duration') return parseDurationMs(text.trim());
  if (kind === 'bytes') return parseBytes(text.trim());
  if (!NUMERIC.test(text)) return undefined;
  const t = text.trim().toLowerCase().replace(/^\+/, '');
  return t.endsWith('inf') ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t);
}

/**
 * Loki's label filter semantics: a missing label fails a numeric filter; a value that does not
 * convert keeps the line and marks it `LabelFilterErr`; a line already in error passes numeric
 * filters untouched, so only `__error__` string filters decide its fate.
 */
export function labelFilterPasses(expr: LabelFilterExpr, labels: Record<string, string>): boolean {
  switch (expr.kind) {
    case 'and':
      return labelFilterPasses(expr.left, labels) && labelFilterPasses(expr.right, labels);
    case 'or':
      return labelFilterPasses(expr.left, labels) || labelFilterPasses(expr.right, labels);
    case 'string':
      return matcherMatches(expr.matcher, labels[expr.matcher.name]);
    default: {
      if (labels[ERROR_LABEL] !== undefined) return true;
      const text = labels[expr.name];
      if (text === undefined) return false;
      const v = convert(expr.kind, text);
      if (v === undefined) {
        setError(labels, 'LabelFilterErr', `cannot convert ${JSON.stringify(text)} to a ${expr.kind}`);
        return true;
      }
      return compare(v, expr.op, expr.value);
    }
  }
}

/** Compile a pipeline into one function that answers the processed entry, or undefined when dropped. */
export function compilePipeline(stages: readonly Stage[]): Pipeline {
  return (entry) => {
    const stream = entry.labels;
    // Structured metadata shows as labels in Loki's default (uncategorized) responses.
    const labels: Record<string, string> = entry.metadata ? { ...entry.metadata, ...stream } : { ...stream };
    const line = entry.line;
    for (const stage of stages) {
      switch (stage.kind) {
        case 'line_filter':
          if (!lineFilterPasses(stage, line)) return undefined;
          break;
        case 'json':
          if (stage.params.length === 0) parseJsonLine(line, stream, labels);
          else parseJsonPaths(line, stage.params, stream, labels);
          break;
        case 'logfmt':
          parseLogfmtLine(line, stage, stream, labels);
          break;
        case 'label_filter':
          if (!labelFilterPasses(stage.expr, labels)) return undefined;
          break;
        case 'drop':
          for (const n of stage.names) delete labels[n];
          break;
        case 'keep':
          for (const n of Object.keys(labels)) if (!stage.names.includes(n)) delete labels[n];
          break;
      }
    }
    return { line, labels };
  };
}

/** The canonical identity of a label set: sorted `{a="1", b="2"}` (Prometheus text form). */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(', ')}}`;
}
