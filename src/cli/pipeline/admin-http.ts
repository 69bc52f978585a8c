// How `sluice pipeline` reaches the pipelines' admin API of `sluice start`: JSON in and out, the
// platform's error body turned into one line (a definition that does not compile: every problem).

import { CliError } from '../errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export class AdminApi {
  readonly #base: URL;

  constructor(base: URL) {
    this.#base = base;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.#base);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new CliError(`cannot reach ${url.origin} (${cause?.code ?? (error as Error).message})`);
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 2000);
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string; hint?: string } };
        if (parsed.error?.message !== undefined)
          message = parsed.error.message + (parsed.error.hint ? ` (${parsed.error.hint})` : '');
      } catch {
        // Not ours: the text as it came.
      }
      const code =
        response.status === 404
          ? 'NOT_FOUND'
          : response.status === 409
            ? 'CONFLICT'
            : response.status < 500
              ? 'INVALID_ARGUMENT'
              : 'UNAVAILABLE';
      throw new CliError(message || `HTTP ${response.status} from ${url.pathname}`, code);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}
