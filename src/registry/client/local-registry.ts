// What a discovery client holds of the registry: applications and their instances as the server
// last showed them, updated by deltas the way Eureka's Java client does (ADDED and MODIFIED
// replace, DELETED removes), with the hash code to check the result against the server's.

import { reconcileHashCode } from '../hash-code.js';

/** An instance as the client hands it out. */
export interface DiscoveredInstance {
  readonly instanceId: string;
  readonly app: string;
  readonly hostName: string;
  readonly ipAddr: string;
  readonly port: number;
  readonly securePort?: number;
  readonly status: string;
  readonly vipAddress?: string;
  readonly homePageUrl?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ApplicationsBody {
  hashCode: string;
  instances: (DiscoveredInstance & { actionType?: string })[];
}

type Json = Record<string, unknown>;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function portOf(v: unknown): { port: number; enabled: boolean } {
  if (isObject(v)) return { port: Number(v.$), enabled: String(v['@enabled']) === 'true' };
  return { port: Number(v), enabled: true };
}

function instanceOf(raw: Json): DiscoveredInstance & { actionType?: string } {
  const port = portOf(raw.port);
  const secure = portOf(raw.securePort);
  const metadata: Record<string, string> = {};
  if (isObject(raw.metadata))
    for (const [k, v] of Object.entries(raw.metadata)) if (k !== '@class') metadata[k] = String(v);
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  return {
    instanceId: text('instanceId') ?? text('hostName') ?? '',
    app: (text('app') ?? '').toUpperCase(),
    hostName: text('hostName') ?? '',
    ipAddr: text('ipAddr') ?? '',
    port: port.port,
    ...(secure.enabled ? { securePort: secure.port } : {}),
    status: text('status') ?? 'UNKNOWN',
    ...(text('vipAddress') ? { vipAddress: text('vipAddress') } : {}),
    ...(text('homePageUrl') ? { homePageUrl: text('homePageUrl') } : {}),
    metadata,
    ...(text('actionType') ? { actionType: text('actionType') } : {}),
  };
}

/** Reads Eureka's JSON for /apps or /apps/delta (application and instance as object or array). */
export function parseApplications(body: unknown): ApplicationsBody {
  const root = isObject(body) && isObject(body.applications) ? body.applications : undefined;
  if (!root) throw new Error('the registry answered something that is not {"applications": ...}');
  const instances: ApplicationsBody['instances'] = [];
  for (const app of asList(root.application))
    if (isObject(app)) for (const i of asList(app.instance)) if (isObject(i)) instances.push(instanceOf(i));
  return { hashCode: String(root.apps__hashcode ?? ''), instances };
}

export class LocalRegistry {
  /** Upper-case application name → instance id → instance. */
  #apps = new Map<string, Map<string, DiscoveredInstance>>();
  #next = new Map<string, number>();

  /** Replaces everything with a full fetch. */
  replace(body: ApplicationsBody): void {
    this.#apps = new Map();
    for (const i of body.instances) this.#put(i);
  }

  /** Applies a delta; true when the result's hash code is the server's. */
  applyDelta(body: ApplicationsBody): boolean {
    for (const i of body.instances) {
      if (i.actionType === 'DELETED') {
        const apps = this.#apps.get(i.app);
        apps?.delete(i.instanceId);
        if (apps?.size === 0) this.#apps.delete(i.app);
      } else this.#put(i);
    }
    return this.hashCode() === body.hashCode;
  }

  hashCode(): string {
    const statuses: string[] = [];
    for (const apps of this.#apps.values()) for (const i of apps.values()) statuses.push(i.status);
    return reconcileHashCode(statuses);
  }

  instances(app: string): DiscoveredInstance[] {
    return [...(this.#apps.get(app.toUpperCase())?.values() ?? [])];
  }

  applications(): string[] {
    return [...this.#apps.keys()];
  }

  /** The next UP instance of `app`, round-robin. */
  pick(app: string): DiscoveredInstance | undefined {
    const name = app.toUpperCase();
    const up = this.instances(name)
      .filter((i) => i.status === 'UP')
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    if (up.length === 0) return undefined;
    const n = this.#next.get(name) ?? 0;
    this.#next.set(name, n + 1);
    return up[n % up.length];
  }

  #put(i: DiscoveredInstance & { actionType?: string }): void {
    const { actionType: _, ...instance } = i;
    let apps = this.#apps.get(instance.app);
    if (!apps) {
      apps = new Map();
      this.#apps.set(instance.app, apps);
    }
    apps.set(instance.instanceId, instance);
  }
}
