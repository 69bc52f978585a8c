// A direct evaluator for the plain JSONata expressions most pipelines use — field paths, literals,
// arithmetic, `&`, comparisons, `and`/`or`, `? :`, object constructors and a few functions
// ($merge, $round, $lowercase, $uppercase, $exists, $boolean, $not) — turned once into JavaScript
// closures that run synchronously. jsonata evaluates every node through promises, which made it the
// largest cost of a simple transform.
//
// It answers only where its result is certainly jsonata's: an expression with anything else is not
// compiled (compileDirect answers undefined), and a message whose values leave the subset at run
// time — an array where a path would map over it, a string where arithmetic wants a number, any
// case where jsonata would raise an error — throws OUTSIDE, and the caller asks jsonata itself. The
// subset has no loops and no recursion, so it needs no time budget. test/unit/pipeline/
// expression-direct.test.ts checks it against jsonata over generated expressions and values.

/** Thrown when a message's values leave the subset: evaluate it with jsonata. */
export const OUTSIDE: unique symbol = Symbol('outside the direct subset');

/** Reads the variables an expression may name besides `$` and `$$` (`$key`, `$headers`, ...). */
export type VariableReader = (name: string) => unknown;

/** A compiled expression: the result (undefined when it selects nothing), or throws OUTSIDE. */
export type DirectExpression = (input: unknown, variable: VariableReader) => unknown;

type Node = Record<string, unknown> & { type: string; value?: unknown };
type Evaluator = (input: unknown, variable: VariableReader) => unknown;

/** Thrown while compiling: the expression has a node outside the subset. */
class Unsupported extends Error {}

const hasOwn = (o: object, key: string) => Object.hasOwn(o, key);

function outside(): never {
  throw OUTSIDE;
}

/** Only the keys a node of this shape has when it carries nothing the subset leaves out. */
function expectKeys(node: Node, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined || key === 'type' || key === 'position') continue;
    if (!allowed.includes(key)) throw new Unsupported(key);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** jsonata's `$boolean` on the values the subset allows (no arrays, no functions). */
function booleanOf(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (Array.isArray(value) || typeof value === 'function') outside();
  return Object.keys(value as object).length > 0;
}

/** A value a path step gives: arrays (which jsonata maps over and flattens) leave the subset. */
function stepValue(value: unknown): unknown {
  if (Array.isArray(value) || typeof value === 'function') outside();
  return value;
}

function lookup(value: unknown, name: string): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) outside();
  return hasOwn(value, name) ? stepValue((value as Record<string, unknown>)[name]) : undefined;
}

/** A number jsonata's arithmetic accepts, or undefined; anything else is its error. */
function operand(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) outside();
  return value;
}

function finite(value: number): number {
  if (!Number.isFinite(value)) outside();
  return value;
}

/** Half to even, as jsonata's `$round` without a precision. */
function roundHalfEven(value: number): number {
  let rounded = Math.round(value);
  // Math.round takes halves up: 2.5 → 3, -3.5 → -3; halves go to the even neighbour instead.
  if (rounded - value === 0.5 && Math.abs(rounded % 2) === 1) rounded -= 1;
  return rounded === 0 ? 0 : rounded;
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

const ORDER: Record<string, (a: number | string, b: number | string) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** Variables bound besides `$` and `$$` (set while compiling: the caller's). */
let knownVariables: ReadonlySet<string> = new Set();

function variableNode(node: Node): Evaluator {
  expectKeys(node, ['value']);
  const name = node.value as string;
  if (name === '' || name === '$') return (input) => stepValue(input);
  if (!knownVariables.has(name)) throw new Unsupported(`$${name}`);
  return (_, variable) => stepValue(variable(name));
}

function pathNode(node: Node): Evaluator {
  expectKeys(node, ['steps']);
  const steps = node.steps as Node[];
  if (!Array.isArray(steps) || steps.length === 0) throw new Unsupported('path');
  let start: Evaluator = (input) => {
    if (Array.isArray(input)) outside();
    return input;
  };
  let names = steps;
  if (steps[0].type === 'variable') {
    start = variableNode(steps[0]);
    names = steps.slice(1);
  }
  const keys = names.map((step) => {
    if (step.type !== 'name' || typeof step.value !== 'string') throw new Unsupported(step.type);
    expectKeys(step, ['value']);
    return step.value;
  });
  return (input, variable) => {
    let value = start(input, variable);
    for (const key of keys) value = lookup(value, key);
    return value;
  };
}

function binaryNode(node: Node): Evaluator {
  expectKeys(node, ['value', 'lhs', 'rhs']);
  const op = node.value as string;
  const lhs = compileNode(node.lhs as Node);
  const rhs = compileNode(node.rhs as Node);
  const arithmetic = ARITHMETIC[op];
  if (arithmetic !== undefined) {
    return (input, variable) => {
      const a = operand(lhs(input, variable));
      const b = operand(rhs(input, variable));
      return a === undefined || b === undefined ? undefined : finite(arithmetic(a, b));
    };
  }
  const order = ORDER[op];
  if (order !== undefined) {
    return (input, variable) => {
      const a = lhs(input, variable);
      const b = rhs(input, variable);
      const comparable = (v: unknown) => v === undefined || typeof v === 'string' || typeof v === 'number';
      if (!comparable(a) || !comparable(b)) outside();
      if (a === undefined || b === undefined) return undefined;
      if (typeof a !== typeof b) outside();
      return order(a as number | string, b as number | string);
    };
  }
  switch (op) {
    case '&':
      return (input, variable) => textOf(lhs(input, variable)) + textOf(rhs(input, variable));
    case '=':
    case '!=': {
      const equal = op === '=';
      return (input, variable) => {
        const a = lhs(input, variable);
        const b = rhs(input, variable);
        if (a === undefined || b === undefined) return false;
        if ((typeof a === 'object' && a !== null) || (typeof b === 'object' && b !== null)) outside();
        return (a === b) === equal;
      };
    }
    case 'and':
      return (input, variable) => booleanOf(lhs(input, variable)) && booleanOf(rhs(input, variable));
    case 'or':
      return (input, variable) => booleanOf(lhs(input, variable)) || booleanOf(rhs(input, variable));
    default:
      throw new Unsupported(op);
  }
}

/** `&`'s operands: strings as they are, nothing as ''; other values need jsonata's `$string`. */
function textOf(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') outside();
  return value;
}

function objectNode(node: Node): Evaluator {
  expectKeys(node, ['value', 'lhs']);
  const pairs = (node.lhs as [Node, Node][]).map(([key, value]) => {
    if (key.type !== 'string' || typeof key.value !== 'string') throw new Unsupported('computed key');
    if (key.value === '_jsonata_lambda' || key.value === '_jsonata_function') throw new Unsupported('key');
    return [key.value, compileNode(value)] as const;
  });
  if (new Set(pairs.map(([k]) => k)).size !== pairs.length) throw new Unsupported('repeated key');
  return (input, variable) => {
    if (Array.isArray(input)) outside();
    const result: Record<string, unknown> = Object.create(null);
    for (const [key, value] of pairs) {
      const v = value(input, variable);
      if (v !== undefined) result[key] = v;
    }
    return result;
  };
}

function unaryNode(node: Node): Evaluator {
  if (node.value === '-') {
    expectKeys(node, ['value', 'expression']);
    const expression = compileNode(node.expression as Node);
    return (input, variable) => {
      const v = operand(expression(input, variable));
      return v === undefined ? undefined : -v;
    };
  }
  if (node.value === '{') return objectNode(node);
  throw new Unsupported(String(node.value));
}

/** `$merge([...])` and `$merge(path)`: the objects' keys in order, later ones winning. */
function mergeCall(args: Node[]): Evaluator {
  if (args.length !== 1) throw new Unsupported('$merge arity');
  const [arg] = args;
  const parts =
    arg.type === 'unary' && arg.value === '['
      ? (() => {
          expectKeys(arg, ['value', 'expressions']);
          return (arg.expressions as Node[]).map((e) => {
            if (e.type === 'unary' && e.value === '[') throw new Unsupported('nested array');
            return compileNode(e);
          });
        })()
      : [compileNode(arg)];
  const fromArray = arg.type === 'unary' && arg.value === '[';
  return (input, variable) => {
    const values = parts.map((part) => part(input, variable)).filter((v) => v !== undefined);
    // $merge(path) of nothing is nothing; $merge([]) is an empty object.
    if (!fromArray && values.length === 0) return undefined;
    const result: Record<string, unknown> = Object.create(null);
    for (const value of values) {
      if (!isPlainObject(value)) outside();
      for (const key of Object.keys(value)) result[key] = value[key];
    }
    return result;
  };
}

function unaryFunction(args: Node[], apply: (value: unknown) => unknown): Evaluator {
  if (args.length !== 1) throw new Unsupported('arity');
  const arg = compileNode(args[0]);
  return (input, variable) => apply(arg(input, variable));
}

const FUNCTIONS: Record<string, (args: Node[]) => Evaluator> = {
  merge: mergeCall,
  round: (args) =>
    unaryFunction(args, (v) => {
      if (v === undefined) return undefined;
      return roundHalfEven(operand(v) as number);
    }),
  lowercase: (args) => unaryFunction(args, (v) => (v === undefined ? undefined : textOf(v).toLowerCase())),
  uppercase: (args) => unaryFunction(args, (v) => (v === undefined ? undefined : textOf(v).toUpperCase())),
  exists: (args) => unaryFunction(args, (v) => v !== undefined),
  boolean: (args) => unaryFunction(args, (v) => (v === undefined ? undefined : booleanOf(v))),
  not: (args) => unaryFunction(args, (v) => (v === undefined ? undefined : !booleanOf(v))),
};

function functionNode(node: Node): Evaluator {
  expectKeys(node, ['value', 'arguments', 'procedure']);
  const procedure = node.procedure as Node;
  if (node.value !== '(' || procedure.type !== 'variable') throw new Unsupported('call');
  expectKeys(procedure, ['value']);
  const make = FUNCTIONS[procedure.value as string];
  if (make === undefined) throw new Unsupported(`$${String(procedure.value)}`);
  return make(node.arguments as Node[]);
}

function conditionNode(node: Node): Evaluator {
  expectKeys(node, ['condition', 'then', 'else']);
  const condition = compileNode(node.condition as Node);
  const then = compileNode(node.then as Node);
  const otherwise = node.else === undefined ? undefined : compileNode(node.else as Node);
  return (input, variable) =>
    booleanOf(condition(input, variable)) ? then(input, variable) : otherwise?.(input, variable);
}

function literal(node: Node): Evaluator {
  expectKeys(node, ['value']);
  const value = node.value;
  return () => value;
}

function compileNode(node: Node): Evaluator {
  if (node === null || typeof node !== 'object') throw new Unsupported('node');
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value':
      return literal(node);
    case 'path':
      return pathNode(node);
    case 'variable':
      return variableNode(node);
    case 'binary':
      return binaryNode(node);
    case 'unary':
      return unaryNode(node);
    case 'function':
      return functionNode(node);
    case 'condition':
      return conditionNode(node);
    default:
      throw new Unsupported(node.type);
  }
}

/**
 * The direct form of a jsonata syntax tree, or undefined when it has anything outside the subset.
 * `variables`: the names (without `$`) the evaluation binds; `variable` reads them.
 */
export function compileDirect(ast: unknown, variables: readonly string[]): DirectExpression | undefined {
  knownVariables = new Set(variables);
  try {
    return compileNode(ast as Node);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  } finally {
    knownVariables = new Set();
  }
}
