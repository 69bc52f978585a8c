// Issue 13's proof with a real Spring Boot service (test/peers/spring/demo-app), against any
// Eureka-compatible registry and Spring Cloud Config-compatible server with a Kafka bus: Spring's
// own servers as the control (spring-control.test.ts), or Sluice's. The service registers and
// renews, fetches the registry and its deltas with no hash-code mismatch while a second instance
// registers and leaves over REST, loads its property from the config server, and refreshes it
// when the bus says so. Everything the service sends goes through recording proxies, so failures
// show what it sent and was answered.

import assert from 'node:assert/strict';
import { type ConsumedRecord, PartitionReader } from '../../src/client/index.js';
import { type Exchange, headerPairs, type RecordingProxy, startRecordingProxy } from './recording-proxy.js';
import { type SpringApp, startSpringApp } from './spring-apps.js';
import { eventually, freePort } from './waiting.js';

export interface SpringScenarioOptions {
  /** The registry's Eureka base, e.g. http://127.0.0.1:8761/eureka (so `${eurekaUrl}/apps` works). */
  eurekaUrl: string;
  /** The config server's base, e.g. http://127.0.0.1:8888 or http://127.0.0.1:8080/config. */
  configUrl: string;
  /** The Kafka bootstrap the bus runs on (host:port). */
  bootstrap: string;
  /**
   * Sets `key` to `value` for `application` on the config server so that a refresh event goes out
   * on the bus (Spring: a native file and a signed /monitor; Sluice: `sluice config set`).
   * Called once before the service starts (its first value) and once to change it.
   */
  setProperty(application: string, key: string, value: string): Promise<void>;
  /** Progress lines (e.g. t.diagnostic). */
  log?: (line: string) => void;
}

/** One Kafka record as it was on the bus topic. */
export interface BusRecord {
  key: string | null;
  headers: [string, string][];
  value: string;
  timestamp: number;
}

export interface SpringScenarioResult {
  instanceId: string;
  /** The service's instance as the registry answered it (GET /apps/DEMO-APP/{id}). */
  registeredInstance: unknown;
  renewals: number;
  /** Full fetches in all, and after the service first saw a non-empty registry (must be 0). */
  fullFetches: number;
  fullFetchesAfterFirstSight: number;
  deltaFetches: number;
  reconcileHashCodeMismatches: number;
  /** From the record time of the refresh event to the first /greeting with the new value. */
  refreshLatencyMs: number;
  refreshEvent: BusRecord;
  ackEvent: BusRecord;
  /** What the service sent, as recorded on the wire. */
  wire: {
    register: Exchange;
    renew: Exchange;
    /** The renewal after the instance was cancelled over REST (404), then registered again. */
    renewUnknown: Exchange;
    fullFetch: Exchange;
    delta?: Exchange;
    config: Exchange[];
  };
}

const APP = 'demo-app';
const KEY = 'demo.greeting';
const BUS_TOPIC = 'springCloudBus';
/** Failure bounds (never waits): registry caches, delta intervals and JVM pauses on 2 cores. */
const STEP_TIMEOUT_MS = 60_000;

interface DiscoveryStats {
  fullFetches: number;
  deltaFetches: number;
  registers: number;
  renewals: number;
  reconcileHashCodeMismatches: number;
  applications: { name: string; count: number; instances: string[] }[];
  lastRequestByKind: Record<string, { status: number }>;
}

interface InstanceBody {
  instanceId?: string;
  status?: string;
  leaseInfo?: { registrationTimestamp: number; lastRenewalTimestamp: number };
}
interface AppsBody {
  applications?: {
    application?: { instance?: InstanceBody[] | InstanceBody }[] | { instance?: InstanceBody };
  };
}

/** The status GET /apps gives an instance (application and instance may each be one or a list). */
function listed(body: AppsBody, instanceId: string): string | undefined {
  const apps = body.applications?.application ?? [];
  for (const app of Array.isArray(apps) ? apps : [apps]) {
    const instances = app.instance ?? [];
    for (const i of Array.isArray(instances) ? instances : [instances]) {
      if (i.instanceId === instanceId) return i.status;
    }
  }
  return undefined;
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function toBusRecord(r: ConsumedRecord): BusRecord {
  return {
    key: r.key === null ? null : r.key.toString('utf8'),
    headers: r.headers.map(([k, v]) => [k?.toString('utf8') ?? '', v?.toString('utf8') ?? '']),
    value: r.value?.toString('utf8') ?? '',
    timestamp: Number(r.timestamp),
  };
}

/** Reads the bus topic from its end in the background, keeping every record. */
async function watchBus(bootstrap: string): Promise<{ records: BusRecord[]; stop(): Promise<void> }> {
  const reader = await PartitionReader.open({ bootstrap: [bootstrap], topic: BUS_TOPIC, start: 'latest' });
  const records: BusRecord[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const r of await reader.poll(200)) records.push(toBusRecord(r));
    }
  })();
  return {
    records,
    async stop() {
      running = false;
      await loop.catch(() => undefined);
      await reader.close();
    },
  };
}

/** Does a bus destination (`**`, `demo-app:**`, `demo-app`) address the demo service? */
function addressesDemo(destination: string): boolean {
  return destination === '**' || destination === APP || destination.startsWith(`${APP}:`);
}

function describeWire(proxy: RecordingProxy, last = 12): string {
  return proxy.exchanges
    .slice(-last)
    .map((e) => `${e.method} ${e.path} -> ${e.status} ${e.responseBody.slice(0, 300)}`)
    .join('\n');
}

/** Runs the scenario with one demo service; throws an assertion error saying what failed. */
export async function runSpringScenario(options: SpringScenarioOptions): Promise<SpringScenarioResult> {
  const log = options.log ?? (() => undefined);
  const eureka = new URL(options.eurekaUrl.replace(/\/+$/, ''));
  const config = new URL(options.configUrl.replace(/\/+$/, ''));
  const eurekaProxy = await startRecordingProxy(eureka.origin);
  const configProxy = await startRecordingProxy(config.origin);
  const through = (proxy: RecordingProxy, base: URL) => `${proxy.url}${base.pathname.replace(/\/$/, '')}`;
  const eurekaBase = through(eurekaProxy, eureka);
  const run = Date.now().toString(36);
  const first = `hello ${run}`;
  const second = `changed ${run}`;
  let demo: SpringApp | undefined;
  let bus: Awaited<ReturnType<typeof watchBus>> | undefined;
  const context = () =>
    `\n--- registry traffic (last):\n${describeWire(eurekaProxy)}\n--- config traffic:\n${describeWire(configProxy)}` +
    `\n--- demo-app log (last):\n${demo?.logs().slice(-6000) ?? ''}`;
  try {
    await options.setProperty(APP, KEY, first);
    log(`starting ${APP} against ${options.eurekaUrl}, ${options.configUrl}, bus on ${options.bootstrap}`);
    demo = await startSpringApp('demo-app', {
      env: {
        APP_NAME: APP,
        EUREKA_URL: `${eurekaBase}/`,
        CONFIG_URL: through(configProxy, config),
        KAFKA_BOOTSTRAP: options.bootstrap,
      },
    });
    const app = demo;
    const instanceId = `${APP}:127.0.0.1:${app.port}`;
    const stats = () => getJson<DiscoveryStats>(`${app.url}/discovery-stats`);
    log(`${APP} ready on ${app.url}`);

    // Registers and renews, as the registry answers: listed in GET /apps, and its lease renewed
    // (lastRenewalTimestamp past registrationTimestamp) in GET /apps/{APP}/{id}.
    const registry = options.eurekaUrl.replace(/\/+$/, '');
    const instanceUrl = `${registry}/apps/${APP.toUpperCase()}/${instanceId}`;
    await eventually('GET /apps to list the demo instance UP', STEP_TIMEOUT_MS, async () => {
      const all = await getJson<AppsBody>(`${registry}/apps`);
      return listed(all, instanceId) === 'UP' ? true : undefined;
    }).catch((err) => assert.fail(`${err}${context()}`));
    const registeredInstance = await eventually(
      'the registry to see a renewal',
      STEP_TIMEOUT_MS,
      async () => {
        const body = await getJson<{ instance?: InstanceBody }>(instanceUrl);
        const lease = body.instance?.leaseInfo;
        return body.instance?.status === 'UP' &&
          lease &&
          lease.lastRenewalTimestamp > lease.registrationTimestamp
          ? body
          : undefined;
      },
    ).catch((err) => assert.fail(`${err}${context()}`));

    // Loads its property from the config server.
    const loaded = await (await fetch(`${app.url}/greeting`)).text();
    assert.equal(loaded, first, `the service's ${KEY} is not the config server's${context()}`);

    // Fetches: first sight of a non-empty registry, then a second instance comes and goes over
    // REST while the service applies deltas; no full fetch may follow the first sight.
    const sighted = await eventually(
      'the service to see itself in its fetched registry',
      STEP_TIMEOUT_MS,
      async () => {
        const s = await stats();
        return s.applications.some((a) => a.name === APP.toUpperCase()) ? s : undefined;
      },
    ).catch((err) => assert.fail(`${err}${context()}`));
    const otherPort = await freePort();
    const otherId = `${APP}:127.0.0.1:${otherPort}`;
    const register = await fetch(`${options.eurekaUrl.replace(/\/+$/, '')}/apps/${APP.toUpperCase()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(secondInstance(otherId, otherPort)),
    });
    assert.equal(register.status, 204, `registering a second instance over REST: ${await register.text()}`);
    const countOf = (s: DiscoveryStats) =>
      s.applications.find((a) => a.name === APP.toUpperCase())?.count ?? 0;
    await eventually('the service to see the second instance by delta', STEP_TIMEOUT_MS, async () =>
      countOf(await stats()) === 2 ? true : undefined,
    ).catch((err) => assert.fail(`${err}${context()}`));
    const cancel = await fetch(
      `${options.eurekaUrl.replace(/\/+$/, '')}/apps/${APP.toUpperCase()}/${otherId}`,
      {
        method: 'DELETE',
      },
    );
    assert.equal(cancel.status, 200, `cancelling the second instance over REST: ${await cancel.text()}`);
    const gone = await eventually(
      'the service to see the second instance leave',
      STEP_TIMEOUT_MS,
      async () => {
        const s = await stats();
        return countOf(s) === 1 ? s : undefined;
      },
    ).catch((err) => assert.fail(`${err}${context()}`));
    const settled = await eventually('three more delta fetches', STEP_TIMEOUT_MS, async () => {
      const s = await stats();
      return s.deltaFetches >= gone.deltaFetches + 3 ? s : undefined;
    });
    assert.equal(
      settled.reconcileHashCodeMismatches,
      0,
      `the client's hash code differed from the registry's${context()}`,
    );
    assert.equal(
      settled.fullFetches,
      sighted.fullFetches,
      `full fetches after the first sight (${sighted.fullFetches} -> ${settled.fullFetches}): a delta did not reconcile${context()}`,
    );
    assert.ok(settled.renewals >= 2, `only ${settled.renewals} renewals`);
    assert.equal(settled.lastRequestByKind.renew?.status, 200, `the last renewal was not 200${context()}`);
    log(
      `fetches: ${settled.fullFetches} full (${sighted.fullFetches} before first sight), ${settled.deltaFetches} delta; ` +
        `${settled.renewals} renewals`,
    );

    // Cancelled behind its back (as eviction would), the service's next renewal gets 404 and it
    // registers again: the registry must answer an unknown instance's renewal 404, not 200.
    const cancelledAt = Date.now();
    const evict = await fetch(instanceUrl, { method: 'DELETE' });
    assert.equal(evict.status, 200, `cancelling the service's own instance: ${await evict.text()}`);
    const renewAfterCancel = await eventually(
      'a 404 renewal and a new registration',
      STEP_TIMEOUT_MS,
      async () => {
        const since = eurekaProxy.exchanges.filter((e) => e.at >= cancelledAt);
        const notFound = since.find(
          (e) => e.method === 'PUT' && e.path.includes(instanceId) && e.status === 404,
        );
        const again =
          notFound && since.find((e) => e.method === 'POST' && e.at >= notFound.at && e.status === 204);
        return again ? notFound : undefined;
      },
    ).catch((err) => assert.fail(`${err}${context()}`));
    await eventually('the instance to be back after its 404 renewal', STEP_TIMEOUT_MS, async () => {
      const res = await fetch(instanceUrl, { headers: { accept: 'application/json' } });
      return res.status === 200 ? true : undefined;
    }).catch((err) => assert.fail(`${err}${context()}`));

    // Refresh over the bus: change the value; the service's /greeting follows the refresh event.
    bus = await watchBus(options.bootstrap);
    const changedAt = Date.now();
    await options.setProperty(APP, KEY, second);
    let greetingAt = 0;
    while (Date.now() - changedAt < STEP_TIMEOUT_MS) {
      const now = await fetch(`${app.url}/greeting`)
        .then((r) => r.text())
        .catch(() => '');
      if (now === second) {
        greetingAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const watching = bus;
    const refreshes = () =>
      watching.records.filter((r) => {
        const v = JSON.parse(r.value) as { type?: string; destinationService?: string };
        return v.type === 'RefreshRemoteApplicationEvent' && addressesDemo(v.destinationService ?? '');
      });
    assert.ok(
      greetingAt > 0,
      `${KEY} did not change to "${second}"; bus records: ${JSON.stringify(bus.records)}${context()}`,
    );
    const refreshEvent = await eventually(
      'a refresh event for the service on the bus',
      STEP_TIMEOUT_MS,
      async () => refreshes().at(0),
    );
    const ids = new Set(refreshes().map((r) => (JSON.parse(r.value) as { id: string }).id));
    const ackEvent = await eventually("the service's AckRemoteApplicationEvent", STEP_TIMEOUT_MS, async () =>
      watching.records.find((r) => {
        const v = JSON.parse(r.value) as { type?: string; ackId?: string; originService?: string };
        return (
          v.type === 'AckRemoteApplicationEvent' &&
          ids.has(v.ackId ?? '') &&
          v.originService?.startsWith(`${APP}:`)
        );
      }),
    ).catch((err) => assert.fail(`${err}; bus records: ${JSON.stringify(watching.records)}`));
    // A refresh re-creates the Eureka client (cancel, then register again): still listed after.
    await eventually('the instance to be registered again after the refresh', STEP_TIMEOUT_MS, async () => {
      const res = await fetch(instanceUrl, { headers: { accept: 'application/json' } });
      if (res.status !== 200) return undefined;
      return ((await res.json()) as { instance?: InstanceBody }).instance?.status === 'UP' ? true : undefined;
    }).catch((err) => assert.fail(`${err}${context()}`));
    const refreshLatencyMs = greetingAt - refreshEvent.timestamp;
    log(
      `refreshed ${refreshLatencyMs} ms after the bus event (${greetingAt - changedAt} ms after the change)`,
    );

    const find = (pred: (e: Exchange) => boolean, what: string) => {
      const e = eurekaProxy.exchanges.find(pred);
      assert.ok(e, `no ${what} was recorded${context()}`);
      return e;
    };
    const appsPath = `${eureka.pathname.replace(/\/$/, '')}/apps/`;
    return {
      instanceId,
      registeredInstance,
      renewals: settled.renewals,
      fullFetches: settled.fullFetches,
      fullFetchesAfterFirstSight: settled.fullFetches - sighted.fullFetches,
      deltaFetches: settled.deltaFetches,
      reconcileHashCodeMismatches: settled.reconcileHashCodeMismatches,
      refreshLatencyMs,
      refreshEvent,
      ackEvent,
      wire: {
        register: find((e) => e.method === 'POST', 'register'),
        renew: find((e) => e.method === 'PUT' && e.path.includes('status=UP'), 'renewal'),
        renewUnknown: renewAfterCancel,
        fullFetch: find((e) => e.method === 'GET' && e.path === appsPath, 'full fetch'),
        delta: eurekaProxy.exchanges.find((e) => e.method === 'GET' && e.path === `${appsPath}delta`),
        config: [...configProxy.exchanges],
      },
    };
  } finally {
    await bus?.stop().catch(() => undefined);
    await demo?.stop();
    await eurekaProxy.close();
    await configProxy.close();
  }
}

/** A second instance of the same application, registered by hand as any client would. */
function secondInstance(instanceId: string, port: number): unknown {
  return {
    instance: {
      instanceId,
      app: APP.toUpperCase(),
      hostName: '127.0.0.1',
      ipAddr: '127.0.0.1',
      status: 'UP',
      port: { $: port, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      vipAddress: APP,
      secureVipAddress: APP,
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 },
      metadata: { role: 'second' },
    },
  };
}

/** Prints a recorded request as OBSERVED.md shows them. */
export function formatExchange(e: Exchange): string {
  const head = headerPairs(e)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return `${e.method} ${e.path}\n${head}\n\n${e.body}\n-> ${e.status}`;
}
