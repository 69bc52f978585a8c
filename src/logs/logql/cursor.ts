import { LogQLParseError } from './errors.js';
import { describe, type Token, tokenize } from './lexer.js';

/** The parser's read position over the tokens, and Loki-style `unexpected X` errors. */
export class Cursor {
  private readonly tokens: Token[];
  private pos = 0;

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

  failAt(token: Token, detail: string): never {
    throw new LogQLParseError(detail, token.line, token.col);
  }
}
