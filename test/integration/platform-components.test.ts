import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { resolveConfig, SECTION_NAMES } from '../../src/config/index.js';
import { isSluiceError, SluiceError } from '../../src/errors/index.js';
import {
  type ConfigSection,
  PLATFORM_COMPONENTS,
  type PlatformComponent,
  type PlatformSettings,
  startPlatformComponents,
} from '../../src/platform/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { sampleValue } from '../helpers/platform-fixture.js';

const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });

// A component the platform has never heard of, with a section of its own, a route, a metric and
// a health indicator: what adding the pipeline or the gateway will look like.
const greetingSection = {
  name: 'greeting',
  schema: { type: 'object', properties: { text: { type: 'string' } } },
  value: undefined as { text: string } | undefined,
} as const satisfies ConfigSection;

function greetingComponent(
  closed: string[],
  state = { ready: true },
): PlatformComponent<typeof greetingSection> {
  return {
    name: 'greeting',
    section: greetingSection,
    async start({ config, app, registry, health, signal }) {
      const served = new Counter({
        name: 'sluice_test_greetings_total',
        help: 'greetings',
        registers: [registry],
      });
      app.register(async (scope) => {
        scope.get('/greeting', async () => {
          served.inc();
          return { text: config.text };
        });
      });
      health.add({ name: 'greeting', check: async () => ({ status: 'UP', details: { text: config.text } }) });
      return {
        ready: () => state.ready,
        close: async () => {
          closed.push(`greeting aborted=${signal.aborted}`);
        },
      };
    },
  };
}

function recorder(name: string, closed: string[]): PlatformComponent<undefined> {
  return {
    name,
    section: undefined,
    async start() {
      return { close: async () => void closed.push(name) };
    },
  };
}

function settingsFor(broker: TestBroker, config: Record<string, unknown> = {}): PlatformSettings {
  return {
    bootstrap: broker.bootstrap,
    clusterId: broker.clusterId,
    dataDir: broker.dataDir,
    httpHost: '127.0.0.1',
    httpPort: 0,
    config: { ...resolveConfig({ file: {} }).config, ...config },
    disabled: [],
    logLevel: 'silent',
    version: 'test',
    priority: 0,
    maxCpu: 1,
  };
}

describe('platform components', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.dispose());

  test('a component added to the list gets its section, serves its route, shows its health and metric, and closes in reverse order', async () => {
    const closed: string[] = [];
    const state = { ready: true };
    const components = [recorder('first', closed), ...PLATFORM_COMPONENTS, greetingComponent(closed, state)];
    const running = await startPlatformComponents(
      settingsFor(broker, { greeting: { text: 'hello' } }),
      new Registry(),
      logger,
      components,
    );
    try {
      const route = await fetch(`${running.url}/greeting`);
      assert.equal(route.status, 200);
      assert.deepEqual(await route.json(), { text: 'hello' });

      const health = (await (await fetch(`${running.url}/actuator/health`)).json()) as {
        components: Record<string, { status: string; details?: unknown }>;
      };
      assert.deepEqual(health.components.greeting, { status: 'UP', details: { text: 'hello' } });
      assert.equal(health.components.broker?.status, 'UP', 'the real components run alongside');

      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      assert.equal(sampleValue(metrics, 'sluice_test_greetings_total'), 1);
      const readiness = () => fetch(`${running.url}/actuator/health/readiness`).then((r) => r.status);
      assert.equal(await readiness(), 200);
      state.ready = false;
      assert.equal(await readiness(), 503, "a component's readiness is the platform's");
    } finally {
      await running.close();
    }
    // The platform's signal is aborted before anything closes; the last started closes first.
    assert.deepEqual(closed, ['greeting aborted=true', 'first']);
    await assert.rejects(fetch(`${running.url}/greeting`), 'the server is closed too');
  });

  test('a component that fails to start fails the start with its name, and what started is closed', async () => {
    const closed: string[] = [];
    const broken: PlatformComponent<undefined> = {
      name: 'broken',
      section: undefined,
      async start() {
        throw new SluiceError('UNAVAILABLE', 'no upstream at 127.0.0.1:1');
      },
    };
    await assert.rejects(
      startPlatformComponents(settingsFor(broker), new Registry(), logger, [
        recorder('first', closed),
        broken,
        recorder('never', closed),
      ]),
      (err: Error) => {
        assert.ok(isSluiceError(err, 'UNAVAILABLE'), String(err));
        assert.match(err.message, /platform component broken failed to start: no upstream at 127\.0\.0\.1:1/);
        return true;
      },
    );
    assert.deepEqual(closed, ['first']);
  });

  test('a component whose section is missing does not start', async () => {
    await assert.rejects(
      startPlatformComponents(settingsFor(broker), new Registry(), logger, [greetingComponent([])]),
      (err: Error) => isSluiceError(err, 'INVALID_CONFIG') && /greeting/.test(err.message),
    );
  });

  test("the config room's sections include every component's, from the same list", () => {
    for (const component of PLATFORM_COMPONENTS) {
      if (component.section !== undefined) assert.ok(SECTION_NAMES.includes(component.section.name));
    }
  });
});
