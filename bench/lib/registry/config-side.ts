// The two config servers with the same 50 properties for `bench-app` in profile `prod`: 30 of the
// application, 10 of its `prod` profile, 10 shared by every application. Spring's reads them from
// YAML files (its native backend); Sluice's has them set through its admin API (stored in Kafka).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpLoad } from '../http-load.js';
import type { RoundEnv, Side } from './rounds.js';
import { type RunningServer, startBroker, startSluice, startSpringConfig } from './servers.js';

const APP = 'bench-app';
const PROFILE = 'prod';

/** [application, profile (default: none), key, value] */
function properties(): [string, string, string, string][] {
  const out: [string, string, string, string][] = [];
  for (let i = 0; i < 30; i++)
    out.push([APP, 'default', `bench.settings.key${i}`, `value-${i}-${'x'.repeat(20)}`]);
  for (let i = 0; i < 10; i++) out.push([APP, PROFILE, `bench.prod.key${i}`, `prod-${i}`]);
  for (let i = 0; i < 10; i++) out.push(['application', 'default', `shared.key${i}`, `shared-${i}`]);
  return out;
}

function yamlFiles(repo: string): void {
  mkdirSync(repo, { recursive: true });
  const files = new Map<string, string[]>();
  for (const [app, profile, key, value] of properties()) {
    const file = profile === 'default' ? `${app}.yml` : `${app}-${profile}.yml`;
    files.set(file, [...(files.get(file) ?? []), `${key}: ${value}`]);
  }
  for (const [file, lines] of files) writeFileSync(join(repo, file), `${lines.join('\n')}\n`);
}

export interface ConfigServers {
  start(): Promise<{ url: string; path: string; expectKeys: number }>;
  cpuSeconds(): number;
  peakRssMiB(): number;
  stop(): Promise<string | undefined>;
}

export function configServers(side: Side, env: RoundEnv, dir: string): ConfigServers {
  const running: RunningServer[] = [];
  let measured: RunningServer | undefined;
  return {
    async start() {
      if (side === 'spring') {
        const broker = await startBroker(env.repoRoot, join(dir, 'bus'));
        running.push(broker);
        const repo = join(dir, 'repo');
        yamlFiles(repo);
        measured = await startSpringConfig(env.jars.config, dir, repo, broker.url);
        running.push(measured);
        return { url: measured.url, path: `/${APP}/${PROFILE}`, expectKeys: properties().length };
      }
      measured = await startSluice(env.repoRoot, dir, '/config');
      running.push(measured);
      const base = new URL(measured.url);
      const admin = new HttpLoad(base.origin, 8);
      for (const [app, profile, key, value] of properties()) {
        const answer = await admin.call({
          method: 'PUT',
          path: `/api/config/properties/${app}/${profile}/${encodeURIComponent(key)}`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ value, author: 'bench' }),
        });
        if (answer.status !== 200)
          throw new Error(`setting ${key} answered ${answer.status}: ${answer.body}`);
      }
      admin.close();
      return {
        url: base.origin,
        path: `${base.pathname}/${APP}/${PROFILE}`,
        expectKeys: properties().length,
      };
    },
    cpuSeconds: () => measured?.cpuSeconds() ?? Number.NaN,
    peakRssMiB: () => measured?.peakRssMiB() ?? Number.NaN,
    async stop() {
      const notes = [];
      for (const server of running.reverse()) {
        const note = await server.stop();
        if (note !== undefined) notes.push(note);
      }
      return notes.length === 0 ? undefined : notes.join('; ');
    },
  };
}
