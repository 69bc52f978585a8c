import { LogQLParseError } from './errors.js';
import { describe, type Token, tokenize } from './lexer.js';

/**
 * How deep a query may nest (parentheses, unary signs, chains of operators), so that neither the
 * parser nor the evaluator, both recursive, can run out of stack. Go's regexp has the same bound.
 */
export const MAX_NESTING = 1000;

/** The parser's read position over the tokens, and Loki-style `unexpected X` errors. */
export class Cursor {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(src: string) {
    this.tokens = tokenize(src);
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  /** Is the next token this operator or keyword? */
  is(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return (t.kind === 'op' || t.kind === 'ident') && t.text === text;
  }

  accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }

  expect(text: string, expecting = text): Token {
    if (!this.is(text)) this.unexpected(expecting);
    return this.next();
  }

  expectKind(kind: Token['kind'], expecting: string): Token {
    if (this.peek().kind !== kind) this.unexpected(expecting);
    return this.next();
  }

  /** Throw `syntax error: unexpected <next token>[, expecting ...]` at the next token. */
  unexpected(expecting?: string, token = this.peek()): never {
    const suffix = expecting ? `, expecting ${expecting}` : '';
    throw new LogQLParseError(`syntax error: unexpected ${describe(token)}${suffix}`, token.line, token.col);
  }

  /** One level deeper (at `token`); fails past MAX_NESTING. Pair with `leave`. */
  enter(token = this.peek()): void {
    if (++this.depth > MAX_NESTING)
      this.failAt(token, `syntax error: the query nests more than ${MAX_NESTING} levels deep`);
  }

  leave(levels = 1): void {
    this.depth -= levels;
  }

  failAt(token: Token, detail: string): never {
    throw new LogQLParseError(detail, token.line, token.col);
  }
}
