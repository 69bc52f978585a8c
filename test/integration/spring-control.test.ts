// The control run of issue 13's proof: a real Spring Boot service against Spring's own Eureka
// server and Config server (native backend, /monitor, Bus on Kafka), with Sluice's broker
// carrying the bus. The same scenario (test/helpers/spring-scenario.ts) runs against Sluice's
// registry and config server; this run shows what passing looks like with Spring's servers.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrokerProcess, spawnBroker } from '../helpers/broker-process.js';
import { type SpringApp, springSkipReason, startSpringApp, stopSpringApps } from '../helpers/spring-apps.js';
import { runSpringScenario } from '../helpers/spring-scenario.js';

const skip = springSkipReason();

/**
 * Spring's native backend reads `${dir}/{application}.properties`; /monitor then needs a signed
 * GitHub push (Config 5.0.x answers 403 to anything unsigned) naming the changed file.
 */
function springSetProperty(dir: string, configUrl: () => string, secret: string) {
  const values = new Map<string, Map<string, string>>();
  return async (application: string, key: string, value: string) => {
    const props = values.get(application) ?? new Map<string, string>();
    values.set(application, props.set(key, value));
    const file = `${application}.properties`;
    // Written beside and renamed in, so the server's file watcher never reads half a file.
    const staging = join(dir, '..', `${file}.next`);
    writeFileSync(staging, [...props].map(([k, v]) => `${k}=${v}\n`).join(''));
    renameSync(staging, join(dir, file));
    const body = JSON.stringify({ ref: 'refs/heads/main', commits: [{ id: 'c1', modified: [file] }] });
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    const res = await fetch(`${configUrl()}/monitor`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': `sha256=${signature}`,
      },
      body,
    });
    const answer = await res.text();
    assert.equal(res.status, 200, `POST /monitor: ${res.status} ${answer}`);
    assert.ok((JSON.parse(answer) as string[]).includes(application), `/monitor answered ${answer}`);
  };
}

describe('Spring control: a Spring Boot service with Spring Eureka, Spring Config and the bus on Sluice', {
  skip,
}, () => {
  let work: string;
  let broker: BrokerProcess | undefined;
  let eureka: SpringApp | undefined;
  let config: SpringApp | undefined;
  const secret = randomBytes(12).toString('hex');

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'sluice-spring-'));
    const repo = join(work, 'config-repo');
    mkdirSync(repo);
    broker = await spawnBroker(join(work, 'broker'));
    const started = await Promise.allSettled([
      // A 1 s response cache instead of 30 s, so reads follow writes within a delta cycle.
      startSpringApp('eureka-server', { env: { EUREKA_RESPONSE_CACHE_MS: '1000' } }),
      startSpringApp('config-server', {
        env: { CONFIG_DIR: repo, KAFKA_BOOTSTRAP: broker.bootstrap, MONITOR_SECRET: secret },
      }),
    ]);
    if (started[0].status === 'fulfilled') eureka = started[0].value;
    if (started[1].status === 'fulfilled') config = started[1].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  });

  after(async () => {
    await stopSpringApps(eureka, config);
    await broker?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('registers, renews, fetches deltas with no full fetch, loads config and refreshes over the bus', async (t) => {
    assert.ok(eureka && config && broker);
    const configServer = config;
    const result = await runSpringScenario({
      eurekaUrl: `${eureka.url}/eureka`,
      configUrl: config.url,
      bootstrap: broker.bootstrap,
      setProperty: springSetProperty(join(work, 'config-repo'), () => configServer.url, secret),
      log: (line) => t.diagnostic(line),
    });
    t.diagnostic(
      `full fetches ${result.fullFetches} (after first sight ${result.fullFetchesAfterFirstSight}), ` +
        `deltas ${result.deltaFetches}, mismatches ${result.reconcileHashCodeMismatches}, ` +
        `refresh ${result.refreshLatencyMs} ms after the bus event`,
    );
    // SLUICE_SPRING_OBSERVED=FILE keeps what was seen (requests, bus records) for OBSERVED.md.
    if (process.env.SLUICE_SPRING_OBSERVED) {
      writeFileSync(process.env.SLUICE_SPRING_OBSERVED, JSON.stringify(result, null, 2));
    }
    assert.equal(result.fullFetchesAfterFirstSight, 0);
    assert.equal(result.reconcileHashCodeMismatches, 0);
    // The bus message as Spring Cloud Bus writes it: no key, JSON with its content type headers.
    assert.equal(result.refreshEvent.key, null);
    assert.deepEqual(
      result.refreshEvent.headers.find(([k]) => k === 'contentType'),
      ['contentType', 'application/json'],
    );
    const ack = JSON.parse(result.ackEvent.value) as Record<string, unknown>;
    assert.equal(ack.type, 'AckRemoteApplicationEvent');
    assert.equal(ack.event, 'org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent');
    // What the Config client asked: GET /{application}/{profiles} in the v2 media type.
    const fetches = result.wire.config.filter((e) => e.method === 'GET' && e.path === '/demo-app/default');
    assert.ok(fetches.length >= 2, `config fetches: ${result.wire.config.map((e) => e.path).join(', ')}`);
    assert.ok(fetches[0].rawHeaders.includes('application/vnd.spring-cloud.config-server.v2+json'));
  });
});
