// What Eureka's clients read and send: the JSON and XML shapes, the little XML reader (and what it
// refuses), registration checks in Eureka's words, and the response cache's staleness bound.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applicationsJson, applicationsXml, instanceJson } from '../../../src/registry/codec.js';
import { DEFAULT_REGISTRY_CONFIG } from '../../../src/registry/config.js';
import { parseRegistration } from '../../../src/registry/instance.js';
import { InstanceRegistry } from '../../../src/registry/instance-registry.js';
import { cacheKey, Payloads } from '../../../src/registry/payloads.js';
import { ResponseCache } from '../../../src/registry/response-cache.js';
import { readXml } from '../../../src/registry/xml.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const DC = { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' };
const body = (extra: Record<string, unknown> = {}) => ({
  instance: {
    instanceId: 'h:orders:8080',
    hostName: 'h',
    app: 'orders',
    ipAddr: '10.0.0.1',
    dataCenterInfo: DC,
    ...extra,
  },
});

describe('registration checks', () => {
  const refused = (b: unknown, message: RegExp, app = 'ORDERS') =>
    assert.throws(
      () => parseRegistration(b, app, 0),
      (e: Error & { httpStatus?: number }) => {
        assert.equal(e.httpStatus, 400);
        assert.match(e.message, message);
        return true;
      },
    );

  test('each missing field is named as Eureka names it', () => {
    refused(body({ instanceId: undefined, hostName: undefined }), /^Missing instanceId$/);
    refused(body({ hostName: undefined }), /^Missing hostname$/);
    refused(body({ ipAddr: undefined }), /^Missing ip address$/);
    refused(body({ app: undefined }), /^Missing appName$/);
    refused(body({ dataCenterInfo: undefined }), /^Missing dataCenterInfo$/);
    refused(body({ dataCenterInfo: { '@class': DC['@class'] } }), /^Missing dataCenterInfo Name$/);
  });

  test("another app's path, illegal names and values are refused with what was wrong", () => {
    refused(body(), /^Mismatched appName, expecting PAYMENTS but was ORDERS$/, 'PAYMENTS');
    refused(body({ app: 'or ders' }), /Invalid application name 'or ders'/);
    refused(body({ instanceId: 'a/b' }), /Invalid instanceId 'a\/b'/);
    refused(body({ status: 'SLEEPING' }), /Invalid status 'SLEEPING': must be one of UP, DOWN/);
    refused(body({ port: { $: 70000, '@enabled': 'true' } }), /port must be a port number/);
    refused(body({ metadata: { 'bad key': 'x' } }), /Invalid metadata key 'bad key'/);
    refused(body({ metadata: { nested: { a: 1 } } }), /Metadata value of 'nested' must be text/);
    refused({ app: 'x' }, /The body must be an instance/);
  });

  test('the id falls back to the host name; numbers and strings are both taken', () => {
    const { instance } = parseRegistration(
      body({
        instanceId: undefined,
        port: { $: '8081', '@enabled': true },
        lastDirtyTimestamp: '1700000000000',
      }),
      'ORDERS',
      5,
    );
    assert.equal(instance.instanceId, 'h');
    assert.deepEqual(instance.port, { port: 8081, enabled: true });
    assert.equal(instance.lastDirtyTimestamp, 1_700_000_000_000);
    assert.equal(instance.app, 'ORDERS');
  });
});

describe('shapes', () => {
  const clock = new ManualClock(1_700_000_000_000);
  const registry = new InstanceRegistry(DEFAULT_REGISTRY_CONFIG, clock);
  registry.register(
    parseRegistration(body({ metadata: { 'management.port': '8081' } }), 'ORDERS', clock.now()).instance,
  );
  registry.register(
    parseRegistration(body({ instanceId: 'p1', app: 'payments', status: 'DOWN' }), 'PAYMENTS', clock.now())
      .instance,
  );

  test("JSON as Eureka's Jackson codec writes it: strings where it writes strings", () => {
    const json = JSON.parse(
      applicationsJson({ versionsDelta: '1', hashCode: registry.hashCode(), apps: registry.applications() }),
    );
    assert.equal(json.applications.versions__delta, '1');
    assert.equal(json.applications.apps__hashcode, 'DOWN_1_UP_1_');
    const i = json.applications.application[0].instance[0];
    assert.deepEqual(i.port, { $: 7001, '@enabled': 'true' });
    assert.deepEqual(i.securePort, { $: 7002, '@enabled': 'false' });
    assert.equal(i.dataCenterInfo['@class'], 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo');
    assert.equal(typeof i.leaseInfo.registrationTimestamp, 'number');
    assert.equal(i.lastUpdatedTimestamp, String(clock.now()));
    assert.equal(i.lastDirtyTimestamp, String(clock.now()));
    assert.equal(i.isCoordinatingDiscoveryServer, 'false');
    assert.equal(i.overriddenStatus, 'UNKNOWN');
    assert.equal(i.actionType, 'ADDED');
    assert.deepEqual(i.metadata, { 'management.port': '8081' });
    const payments = json.applications.application[1].instance[0];
    assert.deepEqual(payments.metadata, { '@class': 'java.util.Collections$EmptyMap' });
  });

  test('XML as its XStream converters write it, and read back by the same reader registrations use', () => {
    const xml = applicationsXml({
      versionsDelta: '1',
      hashCode: registry.hashCode(),
      apps: registry.applications(),
    });
    assert.match(xml, /<port enabled="true">7001<\/port>/);
    assert.match(
      xml,
      /<dataCenterInfo class="com\.netflix\.appinfo\.InstanceInfo\$DefaultDataCenterInfo"><name>MyOwn<\/name>/,
    );
    assert.match(xml, /<overriddenstatus>UNKNOWN<\/overriddenstatus>/);
    assert.match(xml, /<metadata class="java\.util\.Collections\$EmptyMap"\/>/);
    const read = readXml(xml).value as {
      apps__hashcode: string;
      application: { instance: unknown }[];
    };
    assert.equal(read.apps__hashcode, 'DOWN_1_UP_1_');
    // An instance in XML registers to the same instance as its JSON.
    const entry = registry.instance('ORDERS', 'h:orders:8080')!;
    const fromXml = parseRegistration({ instance: read.application[0]!.instance }, 'ORDERS', 0).instance;
    const fromJson = parseRegistration({ instance: instanceJson(entry) }, 'ORDERS', 0).instance;
    assert.deepEqual(fromXml, fromJson);
  });

  test('the XML reader refuses DTDs and broken documents, saying where', () => {
    assert.throws(
      () => readXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'),
      /DTDs and declarations are not accepted/,
    );
    assert.throws(() => readXml('<x><y></x>'), /closing tag 'y'.*line 1, column \d+/);
    assert.throws(() => readXml('<x>'), /Unclosed tag 'x'/);
    assert.throws(() => readXml('<a/><b/>'), /more than one root element/);
    assert.throws(() => readXml(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`), /nest/i);
    assert.deepEqual(readXml('<?xml version="1.0"?><a x="1">t &amp; u</a>'), {
      name: 'a',
      value: { '@x': '1', $: 't & u' },
    });
  });
});

describe('response cache', () => {
  test('reads show a change at most one refresh interval late, and at once with the read-only layer off', async () => {
    for (const useReadOnly of [true, false]) {
      const clock = new ManualClock();
      const registry = new InstanceRegistry(DEFAULT_REGISTRY_CONFIG, clock);
      const payloads = new Payloads(registry);
      const cache = new ResponseCache(
        clock,
        { useReadOnly, updateIntervalMs: 30_000, expireMs: 180_000 },
        payloads.generate,
        () => registry.generation,
      );
      cache.start();
      const hash = () => JSON.parse(cache.get(cacheKey('apps', 'json'))!.text).applications.apps__hashcode;
      assert.equal(hash(), '');
      await clock.advance(10_000);
      registry.register(parseRegistration(body(), 'ORDERS', clock.now()).instance);
      assert.equal(hash(), useReadOnly ? '' : 'UP_1_');
      await clock.advance(19_999);
      assert.equal(hash(), useReadOnly ? '' : 'UP_1_');
      await clock.advance(1);
      assert.equal(hash(), 'UP_1_');
      // The gzipped form is the same text.
      const { gunzipSync } = await import('node:zlib');
      const payload = cache.get(cacheKey('apps', 'json'))!;
      assert.equal(gunzipSync(payload.gzipped()).toString(), payload.text);
      cache.stop();
    }
  });
});
