// The config server inside `sluice start`: Spring Cloud Config's API under /config, values kept
// and versioned in Kafka topics, bad input refused, every change announced on springCloudBus in
// Spring Cloud Bus's exact shape, the Node client refreshing from it, metrics, health, the CLI.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { KafkaProducer } from '../../../src/client/index.js';
import { type ConfigChange, loadConfig } from '../../../src/configserver/client/index.js';
import { collect, spawnCli } from '../../helpers/cli-process.js';
import { sampleValue, startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import { BusTail, call, headerMap, setProperty } from './config-helpers.js';

const V2 = 'application/vnd.spring-cloud.config-server.v2+json';

interface Env {
  name: string;
  profiles: string[];
  label: string;
  version: string | null;
  state: string | null;
  propertySources: { name: string; source: Record<string, string> }[];
}

describe('config server on sluice start', () => {
  let platform: TestPlatform;
  let base: string;

  before(async () => {
    platform = await startTestPlatform();
    base = platform.http.url;
  });
  after(() => platform?.dispose());

  const put = async (app: string, profile: string, key: string, value: string, label?: string) => {
    const answer = await setProperty(
      base,
      app,
      profile,
      key,
      { value, author: 'test' },
      label ? { label } : {},
    );
    assert.equal(answer.status, 200, answer.text);
    return answer.json as { version: number };
  };

  it('serves environments most specific first, in the v2 media type when asked', async () => {
    await put('application', 'default', 'level', 'application');
    await put('application', 'dev', 'level', 'application-dev');
    await put('orders', 'default', 'level', 'orders');
    const last = await put('orders', 'dev', 'level', 'orders-dev');

    const v2 = await call(`${base}/config/orders/dev`, { headers: { accept: V2 } });
    assert.equal(v2.status, 200, v2.text);
    assert.match(v2.type, /^application\/vnd\.spring-cloud\.config-server\.v2\+json\b/);
    const env = v2.json as Env;
    assert.deepEqual(Object.keys(env), ['name', 'profiles', 'label', 'version', 'state', 'propertySources']);
    assert.equal(env.name, 'orders');
    assert.deepEqual(env.profiles, ['dev']);
    assert.equal(env.label, 'main');
    assert.equal(env.version, String(last.version));
    assert.equal(env.state, null);
    assert.deepEqual(
      env.propertySources.map((s) => [s.name, s.source.level]),
      [
        ['orders-dev', 'orders-dev'],
        ['orders', 'orders'],
        ['application-dev', 'application-dev'],
        ['application', 'application'],
      ],
    );

    const plain = await call(`${base}/config/orders/dev/main`);
    assert.match(plain.type, /^application\/json/);
    assert.deepEqual((plain.json as Env).propertySources, env.propertySources);

    // Several profiles, the later one first; an unknown profile simply has no source.
    const several = (await call(`${base}/config/orders/nosuch,dev`)).json as Env;
    assert.deepEqual(several.profiles, ['nosuch', 'dev']);
    assert.deepEqual(
      several.propertySources.map((s) => s.name),
      ['orders-dev', 'orders', 'application-dev', 'application'],
    );
    const unknownProfile = (await call(`${base}/config/orders/nosuch`)).json as Env;
    assert.deepEqual(
      unknownProfile.propertySources.map((s) => s.name),
      ['orders', 'application'],
    );
  });

  it('answers unknown applications with what applies to them, unknown labels with 404', async () => {
    await put('orders', 'default', 'feature', 'on', 'release/1');
    const other = (await call(`${base}/config/nobody/default`)).json as Env;
    assert.deepEqual(
      other.propertySources.map((s) => s.name),
      ['application'],
    );
    // A label (with "/" written "(_)") where the application has nothing: an empty environment.
    const empty = await call(`${base}/config/nobody/default/release(_)1`);
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual((empty.json as Env).propertySources, []);
    assert.equal((empty.json as Env).label, 'release/1');
    const labelled = (await call(`${base}/config/orders/default/release(_)1`)).json as Env;
    assert.deepEqual(labelled.propertySources, [{ name: 'orders', source: { feature: 'on' } }]);

    const unknown = await call(`${base}/config/orders/default/nosuch`);
    assert.equal(unknown.status, 404, unknown.text);
    assert.match(unknown.text, /no such label: nosuch/);
    const badProfile = await call(`${base}/config/orders/dev!x`);
    assert.equal(badProfile.status, 400, badProfile.text);
    assert.match(badProfile.text, /illegal profile 'dev!x'/);
  });

  it('renders labelled .yml, .yaml, .json and .properties documents', async () => {
    await put('docs', 'default', 'server.port', '8081');
    await put('docs', 'default', 'hosts[0]', 'a');
    await put('docs', 'default', 'hosts[1]', 'b');
    await put('docs', 'dev', 'server.port', '9000');
    const expected = { hosts: ['a', 'b'], level: 'application-dev', server: { port: '9000' } };
    for (const ext of ['yml', 'yaml']) {
      const doc = await call(`${base}/config/main/docs-dev.${ext}`);
      assert.equal(doc.status, 200, doc.text);
      assert.deepEqual(parse(doc.text), expected);
    }
    const json = await call(`${base}/config/main/docs-dev.json`);
    assert.match(json.type, /^application\/json/);
    assert.deepEqual(json.json, expected);
    const props = await call(`${base}/config/main/docs-dev.properties`);
    assert.equal(props.text, 'hosts[0]: a\nhosts[1]: b\nlevel: application-dev\nserver.port: 9000');
  });

  it('refuses bad input with a 4xx naming what was wrong, and stores nothing of it', async () => {
    const before = (await call(`${base}/api/config/properties?application=bad`)).json;
    const illegal = await setProperty(base, 'bad', 'default', 'a..b', { value: 'x' });
    assert.equal(illegal.status, 400, illegal.text);
    assert.equal((illegal.json as { error: { key: string } }).error.key, 'a..b');
    assert.match(illegal.text, /illegal key 'a\.\.b'/);

    const malformed = await call(`${base}/api/config/properties/bad/default/ok`, {
      method: 'PUT',
      body: '{"value": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400, malformed.text);
    assert.match(malformed.text, /unparsable JSON/);
    const notString = await setProperty(base, 'bad', 'default', 'ok', { value: 5 });
    assert.equal(notString.status, 400, notString.text);
    assert.match(
      (notString.json as { error: { message: string } }).error.message,
      /"value" of 'ok' must be a string/,
    );
    const badApp = await setProperty(base, 'b%20d', 'default', 'ok', { value: 'x' });
    assert.equal(badApp.status, 400, badApp.text);

    const big = await setProperty(base, 'bad', 'default', 'big', { value: 'x'.repeat(64 * 1024 + 1) });
    assert.equal(big.status, 413, big.text);
    assert.match(big.text, /the value of 'big' is 65537 bytes/);
    const huge = await setProperty(base, 'bad', 'default', 'huge', { value: 'x'.repeat(1024 * 1024) });
    assert.equal(huge.status, 413, huge.text);

    if (!process.env.ENCRYPT_KEY) {
      const secret = await setProperty(base, 'bad', 'default', 'pw', { value: 'x', secret: true });
      assert.equal(secret.status, 400, secret.text);
      assert.match(secret.text, /cannot store 'pw' as a secret: no encryption key is set/);
      const cipherText = await setProperty(base, 'bad', 'default', 'pw', { value: '{cipher}abcd' });
      assert.equal(cipherText.status, 400, cipherText.text);
    }
    assert.deepEqual((await call(`${base}/api/config/properties?application=bad`)).json, before);
    assert.deepEqual(before, { properties: [] });
  });

  it("publishes a RefreshRemoteApplicationEvent per change on springCloudBus, in Spring Cloud Bus's shape", async () => {
    const bus = await BusTail.open(platform.broker.bootstrap);
    try {
      const started = Date.now();
      await put('orders', 'default', 'bus.probe', '1');
      await put('application', 'default', 'bus.probe', '2');
      const [forOrders, forAll] = await bus.take(2);
      const port = new URL(base).port;
      for (const [record, destination] of [
        [forOrders, 'orders:**'],
        [forAll, '**'],
      ] as const) {
        assert.ok(record);
        assert.equal(record.key, null, 'no key, as Spring Cloud Bus sends');
        assert.deepEqual(headerMap(record), {
          contentType: 'application/json',
          spring_json_header_types: '{"contentType":"java.lang.String"}',
        });
        const text = record.value?.toString() ?? '';
        const event = JSON.parse(text) as Record<string, unknown>;
        assert.deepEqual(Object.keys(event), [
          'type',
          'destinationService',
          'id',
          'originService',
          'timestamp',
        ]);
        assert.equal(event.type, 'RefreshRemoteApplicationEvent');
        assert.equal(event.destinationService, destination);
        assert.match(
          String(event.id),
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        assert.match(
          String(event.originService),
          new RegExp(`^sluice-config-server:sluice:${port}:[0-9a-f]{32}$`),
        );
        assert.equal(typeof event.timestamp, 'number');
        assert.ok((event.timestamp as number) >= started - 1000);
      }
    } finally {
      await bus.close();
    }
  });

  it('versions every change with its author and keeps the history, secrets masked', async () => {
    const a = await put('hist', 'default', 'x', 'one');
    const b = (await setProperty(base, 'hist', 'default', 'x', { value: 'two', author: 'bob' })).json as {
      version: number;
      author: string;
    };
    assert.ok(b.version > a.version);
    assert.equal(b.author, 'bob');
    const rm = await call(`${base}/api/config/properties/hist/default/x?author=carol`, { method: 'DELETE' });
    assert.equal(rm.status, 200, rm.text);
    const gone = await call(`${base}/api/config/properties/hist/default/x`);
    assert.equal(gone.status, 404);
    const again = await call(`${base}/api/config/properties/hist/default/x`, { method: 'DELETE' });
    assert.equal(again.status, 404);

    const history = (await call(`${base}/api/config/history?application=hist&key=x`)).json as {
      changes: { operation: string; value?: string; author: string; version: number }[];
    };
    assert.deepEqual(
      history.changes.map((c) => [c.operation, c.value, c.author]),
      [
        ['set', 'one', 'test'],
        ['set', 'two', 'bob'],
        ['rm', undefined, 'carol'],
      ],
    );
    const versions = history.changes.map((c) => c.version);
    assert.deepEqual(
      versions,
      [...versions].sort((x, y) => x - y),
    );
    assert.equal(versions[0], a.version);
  });

  it('refuses an unsigned /monitor request (403), as Spring Cloud Config 5.0.x does', async () => {
    const form = await call(`${base}/config/monitor`, {
      method: 'POST',
      body: 'path=orders.yml',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 403, form.text);
    assert.match(form.text, /no webhook secret is configured/);
    // Spring serves /monitor at the root whatever the server's prefix: so does Sluice.
    const root = await call(`${base}/monitor`, {
      method: 'POST',
      body: '{"path": "orders.yml"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(root.status, 403, root.text);
  });

  it('skips a record of the values topic that is not a config value, keeping the property', async () => {
    await put('skip', 'default', 'kept', 'yes');
    const producer = new KafkaProducer({ bootstrap: [platform.broker.bootstrap], clientId: 'test' });
    try {
      await producer.send([
        {
          topic: 'sluice-config',
          partition: 0,
          key: Buffer.from('["skip","default","main","kept"]'),
          value: Buffer.from('not json'),
        },
        { topic: 'sluice-config', partition: 0, key: Buffer.from('garbage'), value: Buffer.from('{}') },
      ]);
    } finally {
      await producer.close();
    }
    // A change written after them is seen, so they were read (and skipped) before it.
    await put('skip', 'default', 'after', 'ok');
    const env = (await call(`${base}/config/skip/default`)).json as Env;
    assert.deepEqual(env.propertySources[0], { name: 'skip', source: { after: 'ok', kept: 'yes' } });
  });

  it('sluice/config loads typed values and emits change when the bus names its application', async () => {
    await put('client-app', 'default', 'timeout', '30');
    await put('client-app', 'default', 'enabled', 'yes');
    await put('client-app', 'default', 'greeting', 'hello');
    await put('client-app', 'dev', 'greeting', 'hello dev');
    const config = await loadConfig({
      url: `${base}/config`,
      application: 'client-app',
      profiles: 'dev',
      bootstrap: platform.broker.bootstrap,
    });
    try {
      assert.equal(config.get('greeting'), 'hello dev');
      assert.equal(config.get('level'), 'application-dev', 'the shared application-dev source applies');
      assert.equal(config.get('missing', 'fallback'), 'fallback');
      assert.equal(config.getNumber('timeout', 5), 30);
      assert.equal(config.getNumber('missing', 5), 5);
      assert.equal(config.getBoolean('enabled'), true);
      assert.throws(() => config.getNumber('greeting'), /config key 'greeting' is not a number/);
      assert.throws(() => config.getBoolean('greeting'), /config key 'greeting' is not a boolean/);

      const changed = once(config, 'change') as Promise<[ConfigChange]>;
      // A change to another application is not for this service; the next one is.
      await put('other-app', 'default', 'greeting', 'nope');
      await put('client-app', 'dev', 'greeting', 'bonjour');
      const [change] = await changed;
      assert.deepEqual(change.keys, ['greeting']);
      assert.equal(change.event?.destinationService, 'client-app:**');
      assert.equal(config.get('greeting'), 'bonjour');
    } finally {
      await config.close();
    }
  });

  it('counts fetches and changes (sluice_config_*) and reports its health', async () => {
    await call(`${base}/config/orders/dev`);
    await call(`${base}/config/orders/default/nosuch`);
    const metrics = (await call(`${base}/metrics`)).text;
    assert.ok(
      (sampleValue(metrics, 'sluice_config_fetches_total', { format: 'environment', outcome: 'ok' }) ?? 0) >=
        1,
    );
    assert.ok(
      (sampleValue(metrics, 'sluice_config_fetches_total', {
        format: 'environment',
        outcome: 'client_error',
      }) ?? 0) >= 1,
    );
    assert.ok((sampleValue(metrics, 'sluice_config_changes_total', { operation: 'set' }) ?? 0) >= 10);
    assert.equal(sampleValue(metrics, 'sluice_config_changes_total', { operation: 'rm' }), 1);
    assert.ok((sampleValue(metrics, 'sluice_config_bus_events_total') ?? 0) >= 10);
    assert.equal(sampleValue(metrics, 'sluice_config_caught_up'), 1);
    const health = (await call(`${base}/actuator/health`)).json as {
      components: { configServer: { status: string; details: { caughtUp: boolean } } };
    };
    assert.equal(health.components.configServer.status, 'UP');
    assert.equal(health.components.configServer.details.caughtUp, true);
  });

  it('sluice config set|get|list|history|rm speak the admin API', async () => {
    const cli = (...args: string[]) => collect(spawnCli(['config', ...args, '--url', base]), 30_000);
    const set = await cli('set', 'cli-app,dev', 'cli.key', 'v1', '--author', 'tester');
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^set cli-app,dev cli\.key \(version \d+, label main\)\n$/);
    const get = await cli('get', 'cli-app,dev', 'cli.key');
    assert.equal(get.stdout, 'v1\n');
    const list = await cli('list', 'cli-app,dev');
    assert.match(list.stdout, /^APPLICATION\s+PROFILE\s+LABEL\s+KEY\s+VALUE\s+VERSION\s+AUTHOR\n/);
    assert.match(list.stdout, /^cli-app\s+dev\s+main\s+cli\.key\s+v1\s+\d+\s+tester$/m);
    const rm = await cli('rm', 'cli-app,dev', 'cli.key');
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stdout, /^removed cli-app,dev cli\.key/);
    const history = await cli('history', 'cli-app,dev', 'cli.key');
    const rows = history.stdout.trim().split('\n').slice(1);
    assert.equal(rows.length, 2, history.stdout);
    assert.match(rows[0] ?? '', /\btester\s+set\s+cli-app,dev\s+main\s+cli\.key\s+v1$/);
    assert.match(rows[1] ?? '', /\srm\s+cli-app,dev\s+main\s+cli\.key\s+-$/);

    const illegal = await cli('set', 'cli-app', 'bad key', 'v');
    assert.equal(illegal.code, 1);
    assert.match(illegal.stderr, /illegal key 'bad key'/);
    const missing = await cli('get', 'cli-app', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /HTTP 404: no property 'nope'/);
    const usage = await collect(spawnCli(['config']), 10_000);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing subcommand/);
  });
});

describe('config server after a restart', () => {
  it('rebuilds its values from the topic', async () => {
    const first = await startTestPlatform();
    const dataDir = first.dataDir;
    let second: TestPlatform | undefined;
    try {
      const set = await setProperty(first.http.url, 'restart', 'dev', 'kept', { value: 'yes' });
      assert.equal(set.status, 200, set.text);
      const removed = await setProperty(first.http.url, 'restart', 'dev', 'gone', { value: 'soon' });
      assert.equal(removed.status, 200, removed.text);
      await call(`${first.http.url}/api/config/properties/restart/dev/gone`, { method: 'DELETE' });
      const before = (await call(`${first.http.url}/config/restart/dev`)).json;
      await first.close();
      second = await startTestPlatform({ dataDir });
      const afterRestart = (await call(`${second.http.url}/config/restart/dev`)).json as Env;
      assert.deepEqual(afterRestart, before);
      assert.deepEqual(afterRestart.propertySources, [{ name: 'restart-dev', source: { kept: 'yes' } }]);
      const history = (await call(`${second.http.url}/api/config/history?application=restart`)).json as {
        changes: unknown[];
      };
      assert.equal(history.changes.length, 3);
    } finally {
      await second?.close();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
