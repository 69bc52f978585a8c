// Plain HTTP calls to a schema registry (Sluice's or any other), for tests.

export interface SrResponse {
  status: number;
  body: unknown;
  contentType: string | null;
}

export type SrCall = (method: string, path: string, body?: unknown) => Promise<SrResponse>;

export function schemaRegistryCaller(baseUrl: string): SrCall {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed, contentType: res.headers.get('content-type') };
  };
}

/** The Confluent error code of a response (undefined when it is not an error body). */
export function errorCode(res: SrResponse): number | undefined {
  const body = res.body as { error_code?: number } | null;
  return typeof body === 'object' && body !== null ? body.error_code : undefined;
}

export const avroRecord = (name: string, fields: Array<Record<string, unknown>>) =>
  JSON.stringify({ type: 'record', name, fields });
