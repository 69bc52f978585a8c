// What each cached read holds: the key names the view (the registry, its delta, one application,
// a VIP or secure VIP) and the format; this serializes it from the registry's current state.

import {
  type AppGroup,
  type ApplicationsView,
  applicationJsonText,
  applicationsJson,
  applicationsXml,
  applicationXmlText,
} from './codec.js';
import { reconcileHashCode } from './hash-code.js';
import type { Entry, InstanceRegistry } from './instance-registry.js';

export type Format = 'json' | 'xml';
export type View = 'apps' | 'delta' | 'app' | 'vip' | 'svip';

export const cacheKey = (view: View, format: Format, name = ''): string => `${view}|${format}|${name}`;

/** Serializes cache keys against `registry`. */
export class Payloads {
  /**
   * versions__delta of /apps/delta: counts the deltas made, from 2, so no delta has the full
   * registry's "1" (py-eureka-client skips a delta whose version and hash equal what it holds).
   */
  #deltaVersion = 1;

  constructor(private readonly registry: InstanceRegistry) {}

  generate = (key: string): string | undefined => {
    const [view, format, name = ''] = key.split('|') as [View, Format, string?];
    const apps = (v: ApplicationsView) => (format === 'json' ? applicationsJson(v) : applicationsXml(v));
    switch (view) {
      case 'apps':
        return apps({
          versionsDelta: '1',
          hashCode: this.registry.hashCode(),
          apps: this.registry.applications(),
        });
      case 'delta':
        return apps({
          versionsDelta: String(++this.#deltaVersion),
          // The hash code of the whole registry, which a client compares after applying the delta.
          hashCode: this.registry.hashCode(),
          apps: groupByApp(this.registry.recentChanges()),
        });
      case 'app': {
        const entries = this.registry.application(name);
        if (entries === undefined) return undefined;
        const group: AppGroup = [name, entries];
        return format === 'json' ? applicationJsonText(group) : applicationXmlText(group);
      }
      case 'vip':
      case 'svip': {
        const groups = this.#byVip(name, view === 'vip' ? 'vipAddress' : 'secureVipAddress');
        const statuses = groups.flatMap(([, es]) => es.map((e) => e.instance.status));
        return apps({ versionsDelta: '1', hashCode: reconcileHashCode(statuses), apps: groups });
      }
    }
  };

  /** Applications with their instances whose (comma-separated) VIP list holds `vip`, case aside. */
  #byVip(vip: string, field: 'vipAddress' | 'secureVipAddress'): AppGroup[] {
    const wanted = vip.trim().toLowerCase();
    const groups: AppGroup[] = [];
    for (const [name, entries] of this.registry.applications()) {
      const matching = entries.filter((e) =>
        (e.instance[field] ?? '').split(',').some((v) => v.trim().toLowerCase() === wanted),
      );
      if (matching.length > 0) groups.push([name, matching]);
    }
    return groups;
  }
}

function groupByApp(entries: readonly Entry[]): AppGroup[] {
  const byApp = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = byApp.get(e.instance.app);
    if (list) list.push(e);
    else byApp.set(e.instance.app, [e]);
  }
  return [...byApp];
}
