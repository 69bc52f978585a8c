// One round of each side: the registry (register N instances, renew them for a while, fetch the
// full registry and its delta as the Java client does) and the config server (fetch one
// application's environment, one at a time and with requests in flight).

import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Scale } from '../../registry.js';
import { HttpLoad, quantile } from '../http-load.js';
import { configServers } from './config-side.js';
import { type RunningServer, type SpringJars, startEureka, startSluice } from './servers.js';

export const SIDES = ['sluice', 'spring'] as const;
export type Side = (typeof SIDES)[number];

export interface RoundEnv {
  repoRoot: string;
  tmpRoot: string;
  jars: SpringJars;
  scale: Scale;
  round: number;
}

export interface Latency {
  p50: number;
  p99: number;
}

const latency = (sorted: number[]): Latency => ({ p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) });

export interface RegistryRound {
  side: Side;
  round: number;
  error?: string;
  registerPerSecond?: number;
  renewPerSecond?: number;
  fullFetchMs?: Latency;
  /** The full registry as sent (gzip) and as JSON. */
  fullFetchBytes?: { gzip: number; json: number };
  deltaFetchMs?: Latency;
  serverCpuSeconds?: number;
  peakRssMiB?: number;
}

export interface ConfigRound {
  side: Side;
  round: number;
  error?: string;
  fetchMs?: Latency;
  fetchPerSecond?: number;
  serverCpuSeconds?: number;
  peakRssMiB?: number;
}

const APPS = 100;
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

function instance(i: number, dirty: number) {
  const app = `BENCH-APP-${i % APPS}`;
  const host = `host-${i}`;
  return {
    app,
    id: `${host}:${app.toLowerCase()}:8080`,
    body: JSON.stringify({
      instance: {
        instanceId: `${host}:${app.toLowerCase()}:8080`,
        hostName: host,
        app,
        ipAddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        status: 'UP',
        overriddenStatus: 'UNKNOWN',
        port: { $: 8080, '@enabled': 'true' },
        securePort: { $: 443, '@enabled': 'false' },
        countryId: 1,
        dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
        leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 },
        metadata: { zone: `zone-${i % 3}`, version: '1.0.0' },
        homePageUrl: `http://${host}:8080/`,
        statusPageUrl: `http://${host}:8080/actuator/info`,
        healthCheckUrl: `http://${host}:8080/actuator/health`,
        vipAddress: app.toLowerCase(),
        secureVipAddress: app.toLowerCase(),
        isCoordinatingDiscoveryServer: 'false',
        lastUpdatedTimestamp: String(dirty),
        lastDirtyTimestamp: String(dirty),
      },
    }),
  };
}

/** Runs `count` calls with `inFlight` at a time; calls per second. */
async function allOf(count: number, inFlight: number, call: (i: number) => Promise<void>) {
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / ((performance.now() - began) / 1000);
}

export async function runRegistryRound(side: Side, env: RoundEnv): Promise<RegistryRound> {
  const dir = join(env.tmpRoot, `registry-${side}-${env.round}`);
  const result: RegistryRound = { side, round: env.round };
  let server: RunningServer | undefined;
  try {
    server =
      side === 'sluice'
        ? await startSluice(env.repoRoot, dir, '/eureka')
        : await startEureka(env.jars.eureka, dir);
    const prefix = new URL(server.url).pathname;
    const load = new HttpLoad(server.url, 64);
    const dirty = Date.now();
    const cpu0 = server.cpuSeconds();
    result.registerPerSecond = await allOf(env.scale.instances, 32, async (i) => {
      const { app, body } = instance(i, dirty);
      const answer = await load.call({
        method: 'POST',
        path: `${prefix}/apps/${app}`,
        headers: JSON_HEADERS,
        body,
      });
      if (answer.status !== 204)
        throw new Error(`register answered ${answer.status}: ${answer.body.toString().slice(0, 200)}`);
    });
    const renew = await load.throughput(
      64,
      env.scale.renewSeconds * 1000,
      (i) => {
        const n = i % env.scale.instances;
        const { app, id } = instance(n, dirty);
        return {
          method: 'PUT',
          path: `${prefix}/apps/${app}/${encodeURIComponent(id)}?status=UP&lastDirtyTimestamp=${dirty}`,
          headers: { accept: 'application/json' },
        };
      },
      [200],
    );
    result.renewPerSecond = renew.perSecond;
    const full = {
      method: 'GET',
      path: `${prefix}/apps/`,
      headers: { accept: 'application/json', 'accept-encoding': 'gzip' },
    };
    const first = await load.call(full);
    const json = gunzipSync(first.body).toString('utf8');
    const instances = (json.match(/"instanceId"/g) ?? []).length;
    if (instances !== env.scale.instances) {
      throw new Error(`the full registry lists ${instances} instances, not ${env.scale.instances}`);
    }
    result.fullFetchBytes = { gzip: first.bytes, json: Buffer.byteLength(json) };
    result.fullFetchMs = latency(await load.latencies(env.scale.fetches, full, [200]));
    const delta = { ...full, path: `${prefix}/apps/delta` };
    result.deltaFetchMs = latency(await load.latencies(env.scale.fetches * 5, delta, [200]));
    result.serverCpuSeconds = server.cpuSeconds() - cpu0;
    result.peakRssMiB = server.peakRssMiB();
    load.close();
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    const note = await server?.stop();
    if (note !== undefined && result.error === undefined) result.error = `the server ${note}`;
  }
  return result;
}

export async function runConfigRound(side: Side, env: RoundEnv): Promise<ConfigRound> {
  const dir = join(env.tmpRoot, `config-${side}-${env.round}`);
  const result: ConfigRound = { side, round: env.round };
  const servers = configServers(side, env, dir);
  try {
    const { url, path, expectKeys } = await servers.start();
    const load = new HttpLoad(url, 16);
    const call = { method: 'GET', path, headers: { accept: 'application/json' } };
    const first = await load.call(call);
    const body = JSON.parse(first.body.toString('utf8')) as { propertySources?: { source: object }[] };
    const keys = (body.propertySources ?? []).reduce((n, s) => n + Object.keys(s.source).length, 0);
    if (keys !== expectKeys) throw new Error(`${path} answered ${keys} properties, not ${expectKeys}`);
    const cpu0 = servers.cpuSeconds();
    result.fetchMs = latency(await load.latencies(env.scale.configFetches, call, [200]));
    result.fetchPerSecond = (
      await load.throughput(16, env.scale.renewSeconds * 1000, () => call, [200])
    ).perSecond;
    result.serverCpuSeconds = servers.cpuSeconds() - cpu0;
    result.peakRssMiB = servers.peakRssMiB();
    load.close();
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    const note = await servers.stop();
    if (note !== undefined && result.error === undefined) result.error = note;
  }
  return result;
}
