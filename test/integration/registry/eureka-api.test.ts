// The Eureka REST API on `sluice start` (in process): every route, the shapes in JSON, XML and gzip,
// the delta and its hash code, metrics and health, bad input answered with a clear 4xx and a
// registry that stays as it was, and a restart that keeps the registered instances.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { PartitionReader } from '../../../src/client/index.js';
import { type EurekaCall, eurekaCaller, rawGet, springInstance } from '../../helpers/eureka.js';
import { sampleValue, startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import { eventually } from '../../helpers/waiting.js';

// Reads show every change at once (the read-only cache is unit-tested with a manual clock), and
// leases are checked every 200 ms without self-preservation, so a 1 s lease ends within the test.
const CONFIG = { registry: { useReadOnlyCache: false, evictionIntervalMs: 200, selfPreservation: false } };

type Apps = { applications: { versions__delta: string; apps__hashcode: string; application: App[] } };
type App = { name: string; instance: Record<string, unknown>[] };

let platform: TestPlatform;
let eureka: EurekaCall;

before(async () => {
  platform = await startTestPlatform({ config: CONFIG });
  eureka = eurekaCaller(`${platform.http.url}/eureka`);
});
after(() => platform.dispose());

const register = async (app: string, id: string, port = 8080, extra: Record<string, unknown> = {}) => {
  const r = await eureka('POST', `/apps/${app}`, { body: springInstance(app, id, port, extra) });
  assert.equal(r.status, 204, r.text);
};
const apps = async () => (await eureka('GET', '/apps/')).json as Apps;
const ids = (a: Apps) =>
  a.applications.application.flatMap((x) => x.instance.map((i) => i.instanceId)).sort();

/** The events topic from its start as `KEY ACTION REASON STATUS` lines, read until `enough` holds (15 s at most). */
async function readEvents(on: TestPlatform, enough: (seen: string[]) => boolean): Promise<string[]> {
  const reader = await PartitionReader.open({
    bootstrap: [on.broker.bootstrap],
    topic: 'sluice-registry-events',
    partitions: [0],
    start: 'earliest',
  });
  try {
    const seen: string[] = [];
    const deadline = Date.now() + 15_000;
    while (!enough(seen) && Date.now() < deadline) {
      for (const r of await reader.poll(500)) {
        const key = r.key?.toString() ?? '';
        if (r.value === null) seen.push(`${key} tombstone`);
        else {
          const e = JSON.parse(r.value.toString()) as {
            action: string;
            reason: string;
            instance: { status: string };
          };
          seen.push(`${key} ${e.action} ${e.reason} ${e.instance.status}`);
        }
      }
    }
    return seen;
  } finally {
    await reader.close();
  }
}

describe('routes and shapes', () => {
  test('register, then every read in JSON: root wrapping, ports, strings where Eureka writes strings', async () => {
    await register('shapes', 'h:shapes:8080', 8080);
    const all = await apps();
    assert.equal(all.applications.versions__delta, '1');
    assert.equal(typeof all.applications.apps__hashcode, 'string');
    const app = all.applications.application.find((a) => a.name === 'SHAPES')!;
    const i = app.instance[0]!;
    assert.deepEqual(i.port, { $: 8080, '@enabled': 'true' });
    assert.equal(
      (i.dataCenterInfo as Record<string, string>)['@class'],
      'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo',
    );
    assert.equal(typeof i.lastDirtyTimestamp, 'string');
    assert.equal(typeof (i.leaseInfo as Record<string, unknown>).lastRenewalTimestamp, 'number');
    assert.equal(i.isCoordinatingDiscoveryServer, 'false');

    const one = await eureka('GET', '/apps/shapes');
    assert.equal((one.json as { application: App }).application.name, 'SHAPES');
    const byApp = await eureka('GET', '/apps/SHAPES/h:shapes:8080');
    assert.equal((byApp.json as { instance: { instanceId: string } }).instance.instanceId, 'h:shapes:8080');
    const byId = await eureka('GET', '/instances/h:shapes:8080');
    assert.deepEqual(byId.json, byApp.json);
    const vip = (await eureka('GET', '/vips/shapes')).json as Apps;
    assert.deepEqual(ids(vip), ['h:shapes:8080']);
    assert.equal(vip.applications.apps__hashcode, 'UP_1_');
    const svip = (await eureka('GET', '/svips/SHAPES')).json as Apps;
    assert.deepEqual(ids(svip), ['h:shapes:8080']);
    assert.equal((await eureka('GET', '/apps/nothing-here')).status, 404);
    assert.equal((await eureka('GET', '/apps/SHAPES/nobody')).status, 404);
    assert.equal((await eureka('GET', '/instances/nobody')).status, 404);
  });

  test('XML unless JSON is asked for, gzip when allowed, and the same API under /eureka/v2', async () => {
    await register('xmlapp', 'x1');
    const xml = await eureka('GET', '/apps/XMLAPP', { headers: { accept: '*/*' } });
    assert.match(xml.contentType, /^application\/xml/);
    assert.match(xml.text, /<application><name>XMLAPP<\/name><instance><instanceId>x1<\/instanceId>/);
    assert.match(xml.text, /<port enabled="true">8080<\/port>/);
    const gz = await eureka('GET', '/apps/', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.contentEncoding, 'gzip');
    assert.ok(ids(JSON.parse(gz.text) as Apps).includes('x1'));
    const v2 = eurekaCaller(`${platform.http.url}/eureka/v2`);
    assert.ok(ids((await v2('GET', '/apps')).json as Apps).includes('x1'));
    // eureka-js-client's body: the same instance, registered under /eureka/v2.
    const r = await v2('POST', '/apps/JSAPP', { body: springInstance('jsapp', 'js1', 3000) });
    assert.equal(r.status, 204);
    // gunzip of the raw bytes is what a Java client does with Content-Encoding: gzip.
    const raw = await rawGet(`${platform.http.url}/eureka/apps/JSAPP`, {
      accept: 'application/json',
      'accept-encoding': 'gzip',
    });
    assert.equal(raw.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(raw.body).toString().includes('"js1"'));
  });

  test('a registration in XML is taken as its JSON would be', async () => {
    const xmlBody = `<?xml version="1.0" encoding="UTF-8"?>
<instance>
  <instanceId>xml-1</instanceId><hostName>127.0.0.1</hostName><app>XMLREG</app><ipAddr>127.0.0.1</ipAddr>
  <status>UP</status><overriddenstatus>UNKNOWN</overriddenstatus>
  <port enabled="true">9001</port><securePort enabled="false">443</securePort><countryId>1</countryId>
  <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
  <metadata><zone>a &amp; b</zone></metadata><vipAddress>xmlreg</vipAddress>
</instance>`;
    const r = await eureka('POST', '/apps/XMLREG', {
      body: xmlBody,
      headers: { 'content-type': 'application/xml' },
    });
    assert.equal(r.status, 204, r.text);
    const got = (await eureka('GET', '/apps/XMLREG/xml-1')).json as { instance: Record<string, unknown> };
    assert.deepEqual(got.instance.port, { $: 9001, '@enabled': 'true' });
    assert.deepEqual(got.instance.metadata, { zone: 'a & b' });
  });

  test('renew, status override, metadata and cancel; each change in the delta with its action', async () => {
    await register('life', 'l1', 8081);
    await register('life', 'l2', 8082);
    assert.equal((await eureka('PUT', '/apps/LIFE/l1?status=UP')).status, 200);
    assert.equal((await eureka('PUT', '/apps/LIFE/l1/status?value=OUT_OF_SERVICE')).status, 200);
    assert.equal((await eureka('PUT', '/apps/LIFE/l1/metadata?zone=b&weight=3')).status, 200);
    assert.equal((await eureka('DELETE', '/apps/LIFE/l2')).status, 200);
    assert.equal((await eureka('DELETE', '/apps/LIFE/l2')).status, 404);
    assert.equal((await eureka('PUT', '/apps/LIFE/l2?status=UP')).status, 404);
    const l1 = ((await eureka('GET', '/apps/LIFE/l1')).json as { instance: Record<string, unknown> })
      .instance;
    assert.equal(l1.status, 'OUT_OF_SERVICE');
    assert.equal(l1.overriddenStatus, 'OUT_OF_SERVICE');
    assert.deepEqual(l1.metadata, { 'management.port': '8081', zone: 'b', weight: '3' });

    const delta = (await eureka('GET', '/apps/delta')).json as Apps;
    const life = delta.applications.application.find((a) => a.name === 'LIFE')!;
    assert.deepEqual(
      life.instance.map((i) => `${i.instanceId}:${i.actionType}`),
      ['l1:MODIFIED', 'l2:DELETED'],
    );
    // The delta's hash code is the whole registry's.
    assert.equal(delta.applications.apps__hashcode, (await apps()).applications.apps__hashcode);
    assert.match(delta.applications.apps__hashcode, /OUT_OF_SERVICE_1_/);
    assert.ok(Number(delta.applications.versions__delta) >= 1);

    // Removing the override: the status given, and UNKNOWN (then 404 on renewal) without one.
    assert.equal((await eureka('DELETE', '/apps/LIFE/l1/status?value=UP')).status, 200);
    assert.equal(
      ((await eureka('GET', '/apps/LIFE/l1')).json as { instance: { status: string } }).instance.status,
      'UP',
    );
  });

  test('renewal with lastDirtyTimestamp: 404 when the client is newer, 409 to a replicating peer when older', async () => {
    await register('dirty', 'd1', 8080, { lastDirtyTimestamp: '5000' });
    assert.equal((await eureka('PUT', '/apps/DIRTY/d1?status=UP&lastDirtyTimestamp=5000')).status, 200);
    assert.equal((await eureka('PUT', '/apps/DIRTY/d1?status=UP&lastDirtyTimestamp=6000')).status, 404);
    assert.equal((await eureka('PUT', '/apps/DIRTY/d1?status=UP&lastDirtyTimestamp=4000')).status, 200);
    const peer = await eureka('PUT', '/apps/DIRTY/d1?status=UP&lastDirtyTimestamp=4000', {
      headers: { 'x-netflix-discovery-replication': 'true' },
    });
    assert.equal(peer.status, 409);
    assert.equal(
      (peer.json as { instance: { lastDirtyTimestamp: string } }).instance.lastDirtyTimestamp,
      '5000',
    );
    assert.equal((await eureka('PUT', '/apps/DIRTY/d1?lastDirtyTimestamp=yesterday')).status, 400);
  });
});

describe('bad input', () => {
  test('each is a clear 4xx in plain text, and the registry is as it was', async () => {
    await register('steady', 's1');
    const before = await apps();
    const bad: [string, string, Parameters<EurekaCall>[2], number, RegExp][] = [
      [
        'POST',
        '/apps/STEADY',
        { body: '{"instance": {', headers: { 'content-type': 'application/json' } },
        400,
        /^Malformed JSON in the request body/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: '<instance><app>STEADY</instance>', headers: { 'content-type': 'application/xml' } },
        400,
        /^Malformed XML in the request body: Expected closing tag 'app'.*line 1, column \d+/,
      ],
      [
        'POST',
        '/apps/STEADY',
        {
          body: '<!DOCTYPE lol [<!ENTITY a "aaaa">]><instance>&a;</instance>',
          headers: { 'content-type': 'text/xml' },
        },
        400,
        /DTDs and declarations are not accepted/,
      ],
      [
        'POST',
        '/apps/OTHER',
        { body: springInstance('steady', 's1', 8080) },
        400,
        /^Mismatched appName, expecting OTHER but was STEADY$/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: springInstance('steady', 's1', 8080, { hostName: undefined }) },
        400,
        /^Missing hostname$/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: springInstance('steady', 's1', 8080, { ipAddr: '' }) },
        400,
        /^Missing ip address$/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: springInstance('steady', 's1', 8080, { dataCenterInfo: undefined }) },
        400,
        /^Missing dataCenterInfo$/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: springInstance('steady', 's1', 8080, { metadata: { 'a b': '1' } }) },
        400,
        /^Invalid metadata key 'a b'/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: springInstance('steady', 's 1', 8080) },
        400,
        /^Invalid instanceId 's 1'/,
      ],
      [
        'POST',
        '/apps/bad$name',
        { body: springInstance('bad$name', 'b1', 8080) },
        400,
        /^Invalid application name 'bad\$name'/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: '', headers: { 'content-type': 'application/json' } },
        400,
        /^The request has no body/,
      ],
      [
        'POST',
        '/apps/STEADY',
        { body: springInstance('steady', 's1', 8080, { metadata: { big: 'x'.repeat(1024 * 1024) } }) },
        413,
        /^Request body larger than 262144 bytes \(registry\.maxBodyBytes\)/,
      ],
      ['PUT', '/apps/STEADY/s1/status?value=NAPPING', {}, 400, /^Invalid status value 'NAPPING'/],
      ['PUT', '/apps/STEADY/s1/status', {}, 400, /^Missing value/],
      ['PUT', '/apps/STEADY/s1/metadata?bad%20key=1', {}, 400, /^Invalid metadata key 'bad key'/],
    ];
    for (const [method, path, options, status, message] of bad) {
      const r = await eureka(method, path, options);
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.match(r.contentType, /^text\/plain/, `${method} ${path}`);
      assert.match(r.text, message, `${method} ${path}`);
    }
    const afterwards = await apps();
    assert.deepEqual(afterwards, before);
  });

  test('an instance whose lease ran out is evicted: its renewal is 404, and registering again brings it back', async () => {
    await register('short', 'x1', 8080, { leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 1 } });
    await eventually('the 1 s lease to be evicted', 15_000, async () =>
      (await eureka('GET', '/apps/SHORT')).status === 404 ? true : undefined,
    );
    assert.equal((await eureka('PUT', '/apps/SHORT/x1?status=UP')).status, 404);
    const text = await (await platform.get('/metrics')).text();
    assert.ok((sampleValue(text, 'sluice_registry_evictions_total') ?? 0) >= 1);
    await register('short', 'x1', 8080, { leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 60 } });
    assert.equal((await eureka('PUT', '/apps/SHORT/x1?status=UP')).status, 200);
  });

  test('registering the same instance twice updates it; renewing a cancelled one is 404', async () => {
    await register('dup', 'd1', 8080, { metadata: { v: '1' } });
    await register('dup', 'd1', 8080, { metadata: { v: '2' } });
    const dup = (await eureka('GET', '/apps/DUP')).json as { application: App };
    assert.equal(dup.application.instance.length, 1);
    assert.deepEqual(dup.application.instance[0]!.metadata, { v: '2' });
    assert.equal((await eureka('DELETE', '/apps/DUP/d1')).status, 200);
    assert.equal((await eureka('PUT', '/apps/DUP/d1?status=UP')).status, 404);
    assert.equal((await eureka('GET', '/apps/DUP')).status, 404);
  });
});

describe('metrics, health and the events topic', () => {
  test('metrics count instances by status, registrations and renewals; health shows the registry', async () => {
    await register('metered', 'm1');
    assert.equal((await eureka('PUT', '/apps/METERED/m1')).status, 200);
    const text = await (await platform.get('/metrics')).text();
    assert.ok((sampleValue(text, 'sluice_registry_instances', { status: 'UP' }) ?? 0) >= 1);
    assert.ok((sampleValue(text, 'sluice_registry_registrations_total') ?? 0) >= 1);
    assert.ok((sampleValue(text, 'sluice_registry_renewals_total') ?? 0) >= 1);
    // Self-preservation is off here (it is unit-tested on a manual clock).
    assert.equal(sampleValue(text, 'sluice_registry_self_preservation'), 0);
    assert.ok((sampleValue(text, 'sluice_registry_renewal_threshold') ?? 0) > 0);
    assert.notEqual(sampleValue(text, 'sluice_registry_evictions_total'), undefined);
    const health = (await (await platform.get('/actuator/health')).json()) as {
      components: Record<string, { status: string; details: { rebuilt: boolean } }>;
    };
    assert.equal(health.components.serviceRegistry?.status, 'UP');
    assert.equal(health.components.serviceRegistry?.details.rebuilt, true);
  });

  test('every change is a JSON event keyed APP/id; a removal is its DELETED event then a tombstone', async () => {
    await register('evented', 'e1');
    assert.equal((await eureka('PUT', '/apps/EVENTED/e1/status?value=DOWN')).status, 200);
    assert.equal((await eureka('DELETE', '/apps/EVENTED/e1')).status, 200);
    const seen = await readEvents(
      platform,
      (events) => events.filter((e) => e.startsWith('EVENTED/e1')).length >= 4,
    );
    assert.deepEqual(
      seen.filter((s) => s.startsWith('EVENTED/e1')),
      [
        'EVENTED/e1 ADDED registered UP',
        'EVENTED/e1 MODIFIED status DOWN',
        'EVENTED/e1 DELETED cancelled DOWN',
        'EVENTED/e1 tombstone',
      ],
    );
  });
});

describe('restart', () => {
  test('a restarted platform rebuilds the registry from its topic; instances go on renewing', async () => {
    const first = await startTestPlatform({ config: CONFIG });
    const dataDir = first.dataDir;
    let second: TestPlatform | undefined;
    try {
      const one = eurekaCaller(`${first.http.url}/eureka`);
      for (const id of ['r1', 'r2', 'gone'])
        assert.equal(
          (await one('POST', '/apps/KEEP', { body: springInstance('keep', id, 8080) })).status,
          204,
        );
      assert.equal((await one('PUT', '/apps/KEEP/r2/status?value=OUT_OF_SERVICE')).status, 200);
      assert.equal((await one('DELETE', '/apps/KEEP/gone')).status, 200);
      const beforeRestart = (await one('GET', '/apps/KEEP')).json as { application: App };
      await first.close();
      second = await startTestPlatform({ config: CONFIG, dataDir });
      const two = eurekaCaller(`${second.http.url}/eureka`);
      const rebuilt = (await two('GET', '/apps/KEEP')).json as { application: App };
      assert.deepEqual(
        rebuilt.application.instance.map((i) => `${i.instanceId} ${i.status} ${i.overriddenStatus}`).sort(),
        ['r1 UP UNKNOWN', 'r2 OUT_OF_SERVICE OUT_OF_SERVICE'],
      );
      const strip = (i: Record<string, unknown>) => {
        const { leaseInfo: _, lastUpdatedTimestamp: __, ...rest } = i;
        return rest;
      };
      assert.deepEqual(
        rebuilt.application.instance
          .map(strip)
          .sort((a, b) => String(a.instanceId).localeCompare(String(b.instanceId))),
        beforeRestart.application.instance
          .map(strip)
          .sort((a, b) => String(a.instanceId).localeCompare(String(b.instanceId))),
      );
      assert.equal((await two('PUT', '/apps/KEEP/r1?status=UP')).status, 200);
      assert.equal((await two('PUT', '/apps/KEEP/gone?status=UP')).status, 404);
      // What was rebuilt is written again at once (snapshot events), so retention cannot take it.
      const snapshots = await readEvents(
        second,
        (seen) => seen.filter((s) => s.includes(' snapshot ')).length >= 2,
      );
      assert.deepEqual(snapshots.filter((s) => s.includes(' snapshot ')).sort(), [
        'KEEP/r1 ADDED snapshot UP',
        'KEEP/r2 MODIFIED snapshot OUT_OF_SERVICE',
      ]);
    } finally {
      await second?.close();
      await first.dispose();
    }
  });
});
