// `sluice config-server` alone: Spring's API at the root, a configured X-Config-Token required,
// secrets encrypted at rest with ENCRYPT_KEY (served decrypted, masked everywhere else), Spring's
// /encrypt and /decrypt, and /monitor authorized by a webhook signature only.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { PartitionReader } from '../../../src/client/index.js';
import {
  DEFAULT_CONFIG_SERVER_CONFIG,
  type RunningStandalone,
  runStandaloneConfigServer,
} from '../../../src/configserver/index.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker-fixture.js';
import { spawnCli, stop } from '../../helpers/cli-process.js';
import { BusTail, call, setProperty, sign } from './config-helpers.js';

const TOKEN = 't0ken';
const SECRET = 'hook-secret';
const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });

describe('sluice config-server (standalone, with token, key and webhook secret)', () => {
  let broker: TestBroker;
  let server: RunningStandalone;
  let base: string;
  const auth = { 'x-config-token': TOKEN };

  before(async () => {
    broker = await startTestBroker();
    server = await runStandaloneConfigServer({
      bootstrap: broker.bootstrap,
      host: '127.0.0.1',
      port: 0,
      config: { ...DEFAULT_CONFIG_SERVER_CONFIG, token: TOKEN, monitorSecret: SECRET },
      logger,
      env: { ENCRYPT_KEY: 'test-encrypt-key' },
    });
    await server.caughtUp;
    base = server.url;
  });
  after(async () => {
    await server?.close();
    await broker?.dispose();
  });

  it('requires the configured X-Config-Token (401 without it or with a wrong one)', async () => {
    const put = await setProperty(base, 'orders', 'default', 'greeting', { value: 'hi' }, { headers: auth });
    assert.equal(put.status, 200, put.text);
    const missing = await call(`${base}/orders/default`);
    assert.equal(missing.status, 401, missing.text);
    assert.match(missing.text, /missing X-Config-Token/);
    const wrong = await call(`${base}/orders/default`, { headers: { 'x-config-token': 'nope' } });
    assert.equal(wrong.status, 401, wrong.text);
    assert.match(wrong.text, /wrong X-Config-Token/);
    const adminWrong = await setProperty(
      base,
      'orders',
      'default',
      'x',
      { value: 'y' },
      { headers: { 'x-config-token': 'nope' } },
    );
    assert.equal(adminWrong.status, 401);
    const ok = await call(`${base}/orders/default`, { headers: auth });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual((ok.json as { propertySources: unknown[] }).propertySources, [
      { name: 'orders', source: { greeting: 'hi' } },
    ]);
    // At the root, one-segment documents are served too.
    const yml = await call(`${base}/orders-default.yml`, { headers: auth });
    assert.equal(yml.text, 'greeting: hi\n');
    assert.equal((await call(`${base}/actuator/health`)).status, 200, 'health needs no token');
  });

  it("encrypts and decrypts as Spring's /encrypt and /decrypt", async () => {
    const status = await call(`${base}/encrypt/status`, { headers: auth });
    assert.deepEqual(status.json, { status: 'OK' });
    const encrypted = await call(`${base}/encrypt`, {
      method: 'POST',
      body: 's3cret',
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    assert.match(encrypted.text, /^[0-9a-f]{64}$/);
    const decrypted = await call(`${base}/decrypt`, {
      method: 'POST',
      body: encrypted.text,
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    assert.equal(decrypted.text, 's3cret');
    // curl -d sends a form; Spring strips its trailing '='.
    const form = await call(`${base}/encrypt`, {
      method: 'POST',
      body: 'form%20text=',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const back = await call(`${base}/decrypt`, {
      method: 'POST',
      body: form.text,
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    assert.equal(back.text, 'form text');
    const garbage = await call(`${base}/decrypt`, {
      method: 'POST',
      body: 'abcd',
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    assert.equal(garbage.status, 400);
    assert.deepEqual(garbage.json, { status: 'INVALID', description: 'Text not encrypted with this key' });
  });

  it('stores secrets encrypted, serves them decrypted, and never shows them elsewhere', async () => {
    const put = await setProperty(
      base,
      'orders',
      'default',
      'db.password',
      { value: 'pa55word', secret: true },
      { headers: auth },
    );
    assert.equal(put.status, 200, put.text);
    assert.equal((put.json as { value: string; secret: boolean }).value, '******');
    const cipherText = (
      await call(`${base}/encrypt`, {
        method: 'POST',
        body: 'other',
        headers: { ...auth, 'content-type': 'text/plain' },
      })
    ).text;
    const given = await setProperty(
      base,
      'orders',
      'default',
      'api.key',
      { value: `{cipher}${cipherText}` },
      { headers: auth },
    );
    assert.equal(given.status, 200, given.text);
    const bogus = await setProperty(
      base,
      'orders',
      'default',
      'bad.secret',
      { value: '{cipher}00ff' },
      { headers: auth },
    );
    assert.equal(bogus.status, 400, bogus.text);

    const env = (await call(`${base}/orders/default`, { headers: auth })).json as {
      propertySources: { source: Record<string, string> }[];
    };
    assert.equal(env.propertySources[0]?.source['db.password'], 'pa55word');
    assert.equal(env.propertySources[0]?.source['api.key'], 'other');
    const list = await call(`${base}/api/config/properties?application=orders`, { headers: auth });
    assert.doesNotMatch(list.text, /pa55word|cipher/);
    assert.match(list.text, /"key":"db.password","value":"\*\*\*\*\*\*","secret":true/);
    const history = await call(`${base}/api/config/history?application=orders&key=db.password`, {
      headers: auth,
    });
    assert.doesNotMatch(history.text, /pa55word|cipher/);

    // At rest: the values topic holds the cipher text only.
    const reader = await PartitionReader.open({
      bootstrap: [broker.bootstrap],
      topic: DEFAULT_CONFIG_SERVER_CONFIG.topic,
      start: 'earliest',
    });
    try {
      const records = await reader.poll(1000);
      const stored = records.map((r) => r.value?.toString() ?? '').join('\n');
      assert.match(stored, /"value":"\{cipher\}[0-9a-f]+"/);
      assert.doesNotMatch(stored, /pa55word/);
    } finally {
      await reader.close();
    }
  });

  it('refuses unsigned and wrongly signed /monitor requests with 403', async () => {
    const body = 'path=orders.yml';
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const unsigned = await call(`${base}/monitor`, { method: 'POST', body, headers: form });
    assert.equal(unsigned.status, 403, unsigned.text);
    const wrong = await call(`${base}/monitor`, {
      method: 'POST',
      body,
      headers: { ...form, 'x-hub-signature-256': sign('not-the-secret', body) },
    });
    assert.equal(wrong.status, 403, wrong.text);
    assert.match(wrong.text, /wrong X-Hub-Signature-256/);
  });

  it('turns a signed GitHub push and a signed form into one refresh event per service', async () => {
    const bus = await BusTail.open(broker.bootstrap);
    try {
      const push = JSON.stringify({
        ref: 'refs/heads/main',
        commits: [{ added: [], removed: [], modified: ['config/catalog-service-local.yaml'] }],
      });
      const answer = await call(`${base}/monitor`, {
        method: 'POST',
        body: push,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': sign(SECRET, push),
        },
      });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json, ['catalog-service-local', 'catalog-service', 'catalog']);
      const form = 'path=application.yml';
      const shared = await call(`${base}/monitor`, {
        method: 'POST',
        body: form,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-hub-signature-256': sign(SECRET, form),
        },
      });
      assert.deepEqual(shared.json, ['*']);
      const events = (await bus.take(4)).map(
        (r) => JSON.parse(r.value?.toString() ?? '{}').destinationService,
      );
      assert.deepEqual(events, ['catalog-service-local:**', 'catalog-service:**', 'catalog:**', '*:**']);

      const notPush = JSON.stringify({ zen: 'hello' });
      const ping = await call(`${base}/monitor`, {
        method: 'POST',
        body: notPush,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'ping',
          'x-hub-signature-256': sign(SECRET, notPush),
        },
      });
      assert.deepEqual(ping.json, [], 'a body Spring does not understand names nobody');
      const broken = '{"commits": [';
      const malformed = await call(`${base}/monitor`, {
        method: 'POST',
        body: broken,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': sign(SECRET, broken),
        },
      });
      assert.equal(malformed.status, 400, malformed.text);
    } finally {
      await bus.close();
    }
  });

  it('runs as a command: sluice config-server --bootstrap HOST:PORT --port 0', async () => {
    const child = spawnCli(['config-server', '--bootstrap', broker.bootstrap, '--port', '0']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /^ {2}http {5}(http:\/\/\S+)\/$/m.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      // The same topics: what the other server stored is served here (this one has no token).
      const env = await call(`${url}/orders/default`);
      assert.equal(env.status, 200, env.text);
      assert.equal(
        (env.json as { propertySources: { source: Record<string, string> }[] }).propertySources[0]?.source
          .greeting,
        'hi',
      );
      const noKey = await call(`${url}/encrypt`, {
        method: 'POST',
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      });
      assert.equal(noKey.status, 404);
      assert.deepEqual(noKey.json, {
        status: 'NO_KEY',
        description: 'No key was installed for encryption service',
      });
    } finally {
      await stop(child);
    }
  });
});
