// The transport's bounded buffer: lines waiting to be produced, in order. When full, new lines are
// dropped and counted (the app must never wait on logging); the count is reported once lines flow.

export interface LineBufferLimits {
  maxLines: number;
  maxBytes: number;
}

export class LineBuffer {
  readonly #lines: string[] = [];
  #head = 0;
  #bytes = 0;
  /** Lines dropped since the last report. */
  dropped = 0;

  constructor(readonly limits: LineBufferLimits) {}

  get length(): number {
    return this.#lines.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Adds a line, or counts it as dropped when the buffer is full. Returns whether it was kept. */
  push(line: string): boolean {
    if (this.length >= this.limits.maxLines || this.#bytes + line.length > this.limits.maxBytes) {
      this.dropped++;
      return false;
    }
    this.#add(line);
    return true;
  }

  /** Adds a line even when full (the report of dropped lines must not itself be dropped). */
  force(line: string): void {
    this.#add(line);
  }

  #add(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length;
  }

  /** The first lines, up to `maxLines` and about `maxBytes` (at least one), without removing them. */
  peek(maxLines: number, maxBytes: number): string[] {
    const out: string[] = [];
    let bytes = 0;
    for (let i = this.#head; i < this.#lines.length && out.length < maxLines; i++) {
      bytes += this.#lines[i].length;
      if (bytes > maxBytes && out.length > 0) break;
      out.push(this.#lines[i]);
    }
    return out;
  }

  /** Removes the first `count` lines (after they were produced). */
  shift(count: number): void {
    for (let i = 0; i < count && this.#head < this.#lines.length; i++) {
      this.#bytes -= this.#lines[this.#head].length;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

/** Splits a stream of text chunks into lines; a line may span chunks. */
export class LineSplitter {
  #partial = '';

  /** The complete lines in `chunk` (without their newlines; empty lines skipped). */
  feed(chunk: string): string[] {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    return parts.filter((line) => line.length > 0);
  }

  /** What is left after the last newline, at the end of the stream. */
  rest(): string | undefined {
    const rest = this.#partial;
    this.#partial = '';
    return rest.length > 0 ? rest : undefined;
  }
}
