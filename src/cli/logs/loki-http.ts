// How `sluice logs` reaches a Loki API (Sluice's platform server or Grafana Loki itself): the base
// URL, GET/POST with errors turned into one line for the user.

import { CliError, UsageError } from '../errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The server from --url, else $SLUICE_URL, else the platform's default address. */
export function lokiBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): URL {
  const raw = flag ?? (env.SLUICE_URL || DEFAULT_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an http:// or https:// URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http:// or https:// URL, got '${raw}'`);
  }
  // A path prefix (Loki behind a proxy at /loki-prod/) is kept; API paths go after it.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** `path` (no leading slash) under the base URL, with query parameters. */
export function apiUrl(base: URL, path: string, params: Record<string, string | undefined> = {}): URL {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

/** A system-level reason such as ECONNREFUSED from fetch's wrapped error. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function send(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new CliError(`cannot reach ${url.origin} (${networkReason(error)})`);
  }
}

/**
 * The server's reason on one line. Loki answers bad requests (a LogQL syntax error, a bad limit)
 * with HTTP 400 and a plain-text message, which is shown alone; other statuses are named.
 */
async function failure(res: Response, url: URL): Promise<CliError> {
  const body = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  if (res.status === 400 && body) return new CliError(body, 'INVALID_ARGUMENT');
  const what = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} from ${url.pathname}`;
  return new CliError(body ? `${what}: ${body.slice(0, 300)}` : what);
}

/** GETs a Loki JSON answer (`{status, data}`) and returns `data`. */
export async function getData<T>(url: URL): Promise<T> {
  const res = await send(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res, url);
  const body = (await res.json().catch(() => undefined)) as { status?: string; data?: T } | undefined;
  if (body?.data === undefined) throw new CliError(`${url.pathname} did not answer with Loki's JSON`);
  return body.data;
}

/** POSTs a JSON body; resolves when the server accepted it (any 2xx). */
export async function postJson(url: URL, body: unknown): Promise<void> {
  const res = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res, url);
  await res.arrayBuffer();
}
