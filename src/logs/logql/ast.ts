/**
 * The LogQL syntax tree. A query is either a log query (a selector and a pipeline, answered with
 * streams) or a metric query (range aggregations over log queries, combined by vector
 * aggregations and binary operators, answered with vectors, matrices or scalars).
 */

import type { LogRegex } from './regex.js';

export type { LogRegex } from './regex.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One `name op "value"` of a stream selector or a string label filter. */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  /** Compiled, fully anchored, for `=~` and `!~` (as Prometheus and Loki anchor them). */
  regex?: LogRegex;
}

export type LineFilterOp = '|=' | '!=' | '|~' | '!~';

/** `|= "a" or "b"`: one operator, any of the alternatives (for `!=`/`!~`: none of them). */
export interface LineFilter {
  kind: 'line_filter';
  op: LineFilterOp;
  values: string[];
  /** Unanchored, one per value, for `|~`/`!~`. */
  regexes?: LogRegex[];
}

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type LabelFilterExpr =
  | { kind: 'string'; matcher: Matcher }
  | { kind: 'number' | 'duration' | 'bytes'; name: string; op: CompareOp; value: number }
  | { kind: 'and' | 'or'; left: LabelFilterExpr; right: LabelFilterExpr };

export interface LabelFilterStage {
  kind: 'label_filter';
  expr: LabelFilterExpr;
}

/** `| json` (every key) or `| json a="b.c"` (only the given paths). */
export interface JsonStage {
  kind: 'json';
  params: Array<{ label: string; path: Array<string | number> }>;
}

export interface LogfmtStage {
  kind: 'logfmt';
  strict: boolean;
  keepEmpty: boolean;
}

/** `| drop a, b` and `| keep a, b`. */
export interface LabelListStage {
  kind: 'drop' | 'keep';
  names: string[];
}

export type Stage = LineFilter | LabelFilterStage | JsonStage | LogfmtStage | LabelListStage;

export interface LogExpr {
  kind: 'log';
  matchers: Matcher[];
  pipeline: Stage[];
}

export type RangeOp = 'count_over_time' | 'rate' | 'bytes_over_time' | 'bytes_rate';

export interface RangeAggExpr {
  kind: 'range_agg';
  op: RangeOp;
  log: LogExpr;
  rangeMs: number;
  offsetMs: number;
}

export type VectorOp = 'sum' | 'count' | 'min' | 'max' | 'avg';

export interface Grouping {
  without: boolean;
  labels: string[];
}

export interface VectorAggExpr {
  kind: 'vector_agg';
  op: VectorOp;
  grouping?: Grouping;
  inner: MetricExpr;
}

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '^';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithOp | CompareOp | SetOp;

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  /** The `bool` modifier of comparisons: answer 0/1 instead of filtering. */
  returnBool: boolean;
  left: MetricExpr;
  right: MetricExpr;
}

/** `vector(1)`: one series without labels. */
export interface VectorLiteral {
  kind: 'vector';
  value: number;
}

export interface NumberLiteral {
  kind: 'number';
  value: number;
}

export type MetricExpr = RangeAggExpr | VectorAggExpr | BinaryExpr | VectorLiteral | NumberLiteral;

export type Expr = LogExpr | MetricExpr;
