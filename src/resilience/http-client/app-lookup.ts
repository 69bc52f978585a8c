// A direct read of one application from the registry (Eureka's GET /apps/{APP}), used when the
// discovery copy has no instance of it yet. The full registry a client fetches may come from the
// registry's read-only cache, up to 30 s old (as Eureka's); a read of an application nobody asked
// for before is built fresh, so a service registered a moment ago is found at once.

import type { DiscoveredInstance } from '../../registry/client/index.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function instanceOf(raw: Json, app: string): DiscoveredInstance | undefined {
  const port = isObject(raw.port) ? Number(raw.port.$) : Number(raw.port);
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  const instanceId = text('instanceId') || text('hostName');
  if (!instanceId || !Number.isInteger(port)) return undefined;
  return {
    instanceId,
    app,
    hostName: text('hostName'),
    ipAddr: text('ipAddr'),
    port,
    status: text('status') || 'UNKNOWN',
    metadata: {},
  };
}

/** The instances of `app` as the registry has them now; [] when it does not know the app (404). */
export async function lookUpApp(
  registry: string,
  app: string,
  signal?: AbortSignal,
): Promise<DiscoveredInstance[]> {
  const name = app.toUpperCase();
  const response = await fetch(`${registry.replace(/\/+$/, '')}/apps/${encodeURIComponent(name)}`, {
    headers: { accept: 'application/json' },
    ...(signal ? { signal } : {}),
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return [];
  }
  if (!response.ok)
    throw new Error(`GET /apps/${name} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as Json;
  const application = isObject(body.application) ? body.application : {};
  return asList(application.instance)
    .filter(isObject)
    .map((raw) => instanceOf(raw, name))
    .filter((i): i is DiscoveredInstance => i !== undefined);
}
