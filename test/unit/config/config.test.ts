// The configuration model: one schema for the whole file, composed from the components' sections;
// defaults < file < SLUICE_* variables < flags; errors name the key and where its value came from.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../../src/broker/config.js';
import { brokerOptionsFromSection } from '../../../src/broker/index.js';
import {
  ConfigError,
  type ConfigSources,
  envName,
  envVariables,
  resolveConfig,
  SECTION_NAMES,
} from '../../../src/config/index.js';
import { logsConfigFrom } from '../../../src/logs/index.js';
import { repoRoot } from '../../helpers/repo-root.js';

/** The problems of an invalid configuration, as the message lines. */
function problems(sources: ConfigSources): string[] {
  try {
    resolveConfig(sources);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message.split('\n');
  }
  assert.fail('expected a ConfigError');
}

const text = (yaml: string) => ({ path: 'sluice.yaml', text: yaml });

describe('the config file', () => {
  it('has one section per component, and nothing fills in differently from the embedding defaults', () => {
    assert.deepEqual(SECTION_NAMES, [
      'broker',
      'http',
      'platform',
      'logs',
      'alerts',
      'schemas',
      'pipelines',
      'configServer',
      'registry',
      'gateway',
    ]);
    const { config } = resolveConfig({});
    const { metrics: _a, ...fromFile } = resolveOptions(brokerOptionsFromSection(config.broker));
    const { metrics: _b, ...embedded } = resolveOptions({});
    assert.deepEqual(fromFile, embedded);
    assert.deepEqual(config.http, { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(config.platform, { heapMb: 256, priority: 'idle', maxCpu: 0.5 });
  });

  it('broker: log defaults, limits and group timeouts reach BrokerOptions', () => {
    const { config } = resolveConfig(
      text(
        'broker:\n  segmentBytes: 1048576\n  retentionMs: 3600000\n  flushIntervalMs: 0\n' +
          '  queuedMaxRequestBytes: 1000000\n  groups:\n    initialRebalanceDelayMs: 3000\n',
      ),
    );
    const options = brokerOptionsFromSection(config.broker);
    assert.equal(options.topicDefaults?.segmentBytes, 1_048_576);
    assert.equal(options.topicDefaults?.retentionMs, 3_600_000);
    assert.equal(options.topicDefaults?.flushIntervalMs, 0);
    assert.equal(options.queuedMaxRequestBytes, 1_000_000);
    assert.equal(options.groups?.initialRebalanceDelayMs, 3000);
    assert.equal(options.groups?.minSessionTimeoutMs, 6000, 'the other group settings keep their defaults');
  });

  it('broker: a bad value names the key, the expected value and the file line', () => {
    assert.deepEqual(problems(text('broker:\n  port: 9092\n  retentionMs: -5\n')), [
      'broker.retentionMs: must be an integer ≥ -1, got -5 (sluice.yaml line 3)',
    ]);
    assert.deepEqual(problems(text('broker:\n  segmentBytes: 10\n')), [
      'broker.segmentBytes: must be an integer between 14 and 2147483647, got 10 (sluice.yaml line 2)',
    ]);
    assert.deepEqual(problems(text('broker:\n  logLevel: loud\n')), [
      "broker.logLevel: must be one of fatal, error, warn, info, debug, trace, silent, got 'loud' (sluice.yaml line 2)",
    ]);
  });

  it('unknown keys and sections are errors, with the likely intended key', () => {
    assert.deepEqual(problems(text('broker:\n  segmentByte: 1048576\n  datadir: /x\n')), [
      "broker.segmentByte: unknown key (did you mean 'segmentBytes'?) (sluice.yaml line 2)",
      "broker.datadir: unknown key (did you mean 'dataDir'?) (sluice.yaml line 3)",
    ]);
    assert.deepEqual(problems(text('brokr:\n  port: 1\n')), [
      "brokr: unknown section (did you mean 'broker'?) (sluice.yaml line 1)",
    ]);
    const [far] = problems({ file: { http: { colour: 'blue' } } });
    assert.equal(far, 'http.colour: unknown key (known: host, port)');
  });

  it('http and platform: good values, and bad ones named', () => {
    const { config } = resolveConfig({
      file: { http: { port: 0, host: '0.0.0.0' }, platform: { maxCpu: 1 } },
    });
    assert.deepEqual(config.http, { host: '0.0.0.0', port: 0 });
    assert.equal(config.platform.maxCpu, 1);
    assert.deepEqual(problems({ file: { http: { port: 70000 } } }), [
      'http.port: must be an integer between 0 and 65535, got 70000',
    ]);
    assert.deepEqual(problems({ file: { platform: { maxCpu: 0, heapMB: 64 } } }), [
      "platform.heapMB: unknown key (did you mean 'heapMb'?)",
      'platform.maxCpu: must be a share of one core above 0 and at most 1, got 0',
    ]);
  });

  it('logs: durations and sizes become ms and bytes; a bad one is named', () => {
    const { config } = resolveConfig({
      file: { logs: { retention: '2d', retentionBytes: '1GiB', queryCache: 0, maxTails: 20 } },
    });
    const logs = logsConfigFrom(config.logs);
    assert.equal(logs.retentionMs, 2 * 86_400_000);
    assert.equal(logs.retentionBytes, 1024 ** 3);
    assert.equal(logs.queryCacheBytes, 0);
    assert.equal(logs.maxTails, 20);
    assert.equal(resolveConfig({ file: { logs: { retention: 'forever' } } }).config.logs.retention, -1);
    assert.match(
      problems({ file: { logs: { maxLineSize: '0KB' } } })[0],
      /^logs\.maxLineSize: must be a size like 500MB/,
    );
    assert.match(problems({ file: { logs: { topic: 'a b' } } })[0], /^logs\.topic: must be a topic name/);
    assert.deepEqual(problems({ file: { logs: { maxTail: 5 } } }), [
      "logs.maxTail: unknown key (did you mean 'maxTails'?)",
    ]);
  });

  it('alerts: a good section, and a webhook without a url', () => {
    const { config } = resolveConfig({
      file: { alerts: { webhooks: [{ url: 'https://hooks.example/a' }] } },
    });
    assert.equal(config.alerts.webhooks[0].retries, 3);
    assert.deepEqual(problems({ file: { alerts: { webhooks: [{ name: 'x' }] } } }), [
      'alerts.webhooks[0].url: required',
    ]);
  });

  it('a YAML syntax error names the line', () => {
    const [message] = problems(text('broker:\n  port: 1\n  port: 2\n'));
    assert.match(message, /^sluice\.yaml is not valid YAML: Map keys must be unique at line 3/);
  });

  it('an empty file, or a section with nothing under it, means the defaults', () => {
    assert.equal(resolveConfig(text('')).config.broker.port, 9092);
    assert.equal(resolveConfig(text('logs:\nbroker:\n')).config.logs.maxTails, 10);
  });

  it('broker: max.connections and max.connections.per.ip, from the file or SLUICE_*, and named when bad', () => {
    const { config } = resolveConfig({
      ...text('broker:\n  maxConnections: 1000\n'),
      env: { SLUICE_BROKER_MAX_CONNECTIONS_PER_IP: '50' },
    });
    const options = brokerOptionsFromSection(config.broker);
    assert.equal(options.maxConnections, 1000);
    assert.equal(options.maxConnectionsPerIp, 50);
    assert.equal(resolveConfig({}).config.broker.maxConnections, 2_147_483_647, "Kafka's default");
    assert.deepEqual(problems(text('broker:\n  maxConnections: 0\n')), [
      'broker.maxConnections: must be an integer between 1 and 2147483647, got 0 (sluice.yaml line 2)',
    ]);
    assert.deepEqual(problems({ env: { SLUICE_BROKER_MAX_CONNECTIONS_PER_IP: 'many' } }), [
      "broker.maxConnectionsPerIp: must be an integer between 1 and 2147483647, got 'many' (SLUICE_BROKER_MAX_CONNECTIONS_PER_IP)",
    ]);
  });

  it("README's example file is valid and sets what it says", () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example, "README's Configuration section has a yaml block");
    const { config } = resolveConfig({ path: 'README.md', text: example });
    assert.equal(config.broker.segmentBytes, 256 * 1024 * 1024);
    assert.equal(config.broker.retentionMs, 86_400_000);
    assert.equal(config.logs.retentionBytes, 10 * 1024 ** 3);
    assert.equal(config.alerts.webhooks[0].name, 'ops');
  });
});

describe('SLUICE_* variables and flags', () => {
  it('every scalar key has one variable, named after its path', () => {
    const variables = envVariables();
    assert.equal(variables.get('SLUICE_BROKER_DATA_DIR')?.join('.'), 'broker.dataDir');
    assert.equal(
      variables.get('SLUICE_ALERTS_RULES_CONSUMER_LAG_THRESHOLD')?.join('.'),
      'alerts.rules.consumerLag.threshold',
    );
    assert.equal(
      variables.get('SLUICE_BROKER_GROUPS_MIN_SESSION_TIMEOUT_MS')?.join('.'),
      'broker.groups.minSessionTimeoutMs',
    );
    for (const [name, path] of variables) assert.equal(envName(path), name);
    const keys = new Set([...variables.values()].map((path) => path.join('.')));
    assert.equal(keys.size, variables.size, 'no two keys share a variable');
  });

  it('a variable overrides the file, typed by the schema', () => {
    const { config, origins } = resolveConfig({
      ...text('broker:\n  dataDir: /from-file\n  port: 1\n'),
      env: {
        SLUICE_BROKER_DATA_DIR: '/from-env',
        SLUICE_BROKER_SEGMENT_BYTES: '1048576',
        SLUICE_BROKER_AUTO_CREATE_TOPICS: 'false',
        SLUICE_LOGS_RETENTION: '1d',
        SLUICE_PLATFORM_MAX_CPU: '0.25',
        SLUICE_BOOTSTRAP: 'not-a-config-key:1',
        SLUICE_HTTP_HOST: '',
      },
    });
    assert.equal(config.broker.dataDir, '/from-env');
    assert.equal(config.broker.port, 1);
    assert.equal(config.broker.segmentBytes, 1_048_576);
    assert.equal(config.broker.autoCreateTopics, false);
    assert.equal(config.logs.retention, 86_400_000);
    assert.equal(config.platform.maxCpu, 0.25);
    assert.equal(config.http.host, '127.0.0.1', 'an empty variable is unset');
    assert.equal(origins.get('broker.dataDir'), 'SLUICE_BROKER_DATA_DIR');
    assert.equal(origins.get('broker.port'), 'file');
  });

  it('a bad or unknown variable is named', () => {
    assert.deepEqual(problems({ env: { SLUICE_BROKER_PORT: 'x' } }), [
      "broker.port: must be an integer between 0 and 65535, got 'x' (SLUICE_BROKER_PORT)",
    ]);
    assert.deepEqual(problems({ env: { SLUICE_BROKER_DATADIR: '/x' } }), [
      'SLUICE_BROKER_DATADIR: no such setting (did you mean SLUICE_BROKER_DATA_DIR?) (environment)',
    ]);
  });

  it('a flag overrides the variable, and its error starts with the flag', () => {
    const sources: ConfigSources = {
      file: { broker: { port: 1 } },
      env: { SLUICE_BROKER_PORT: '2' },
      flags: [{ key: 'broker.port', value: '3', flag: '--kafka-port' }],
    };
    const resolved = resolveConfig(sources);
    assert.equal(resolved.config.broker.port, 3);
    assert.equal(resolved.origins.get('broker.port'), '--kafka-port');
    assert.ok(resolved.isSet('broker.port'));
    assert.ok(!resolved.isSet('http.port'));
    assert.deepEqual(
      problems({ ...sources, flags: [{ key: 'broker.port', value: 'abc', flag: '--kafka-port' }] }),
      ["--kafka-port must be an integer between 0 and 65535, got 'abc' (broker.port)"],
    );
  });

  it('precedence: defaults < file < environment < flags, layer by layer', () => {
    const layers: [ConfigSources, number][] = [
      [{}, 604_800_000],
      [{ file: { broker: { retentionMs: 1 } } }, 1],
      [{ file: { broker: { retentionMs: 1 } }, env: { SLUICE_BROKER_RETENTION_MS: '2' } }, 2],
      [
        {
          file: { broker: { retentionMs: 1 } },
          env: { SLUICE_BROKER_RETENTION_MS: '2' },
          flags: [{ key: 'broker.retentionMs', value: '3', flag: '--retention-ms' }],
        },
        3,
      ],
      [{ env: { SLUICE_BROKER_RETENTION_MS: '2' } }, 2],
    ];
    for (const [sources, expected] of layers) {
      assert.equal(resolveConfig(sources).config.broker.retentionMs, expected, JSON.stringify(sources));
    }
  });
});
