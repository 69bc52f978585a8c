// The config file as users run it: `--check-config` validates and prints without starting, a bad
// file exits 1 naming the key and line, and a started broker applies the broker section (seen
// over the Kafka wire with DescribeConfigs), with SLUICE_* variables and flags on top.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { DescribeConfigs } from '../../src/protocol/index.js';
import { collect, LISTENING, spawnCli, stop, tempDir } from '../helpers/cli-process.js';
import { WireClient } from '../helpers/wire-client.js';

const BROKER = 4;

function configFile(dir: string, text: string): string {
  const path = join(dir, 'sluice.yaml');
  writeFileSync(path, text);
  return path;
}

describe('sluice --check-config', () => {
  it('start: a bad file exits 1 naming each bad key and its line, and starts nothing', async () => {
    const dir = tempDir('sluice-config-');
    const path = configFile(dir, 'broker:\n  port: 9092\n  retentionMs: -5\n  segmentByte: 1048576\n');
    const dataDir = join(dir, 'data');
    const result = await collect(
      spawnCli(['start', '--check-config', '--config', path, '--data-dir', dataDir]),
      10_000,
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /broker\.retentionMs: must be an integer ≥ -1, got -5 \(.*sluice\.yaml line 3\)/,
    );
    assert.match(result.stderr, /broker\.segmentByte: unknown key \(did you mean 'segmentBytes'\?\)/);
    assert.equal(existsSync(dataDir), false, 'nothing started');
  });

  it('bug: --check-config printed the config server token and /monitor secret in clear', async () => {
    const dir = tempDir('sluice-config-');
    const path = configFile(dir, 'configServer:\n  token: tok-7f3a9\n  monitorSecret: hush-51c\n');
    const result = await collect(spawnCli(['start', '--check-config', '--config', path]), 10_000);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /tok-7f3a9|hush-51c/);
    const printed = parse(result.stdout) as Record<string, Record<string, unknown>>;
    assert.equal(printed.configServer.token, '******');
    assert.equal(printed.configServer.monitorSecret, '******');
    assert.equal(printed.configServer.prefix, '/config', 'the rest is printed as it is');
  });

  it('start: a good file prints the resolved configuration, variables and flags applied', async () => {
    const dir = tempDir('sluice-config-');
    const path = configFile(dir, 'broker:\n  segmentBytes: 1048576\nlogs:\n  retention: 2d\n');
    const result = await collect(
      spawnCli(['start', '--check-config', '--config', path, '--http-port', '0'], {
        SLUICE_BROKER_PORT: '19092',
      }),
      10_000,
    );
    assert.equal(result.code, 0, result.stderr);
    const printed = parse(result.stdout) as Record<string, Record<string, unknown>>;
    assert.equal(printed.broker.segmentBytes, 1_048_576);
    assert.equal(printed.broker.port, 19092);
    assert.equal(printed.http.port, 0);
    assert.equal(printed.logs.retention, 2 * 86_400_000);
    assert.equal(printed.broker.retentionMs, 604_800_000, 'defaults are filled in');
    assert.match(
      result.stdout,
      /^# configuration is valid; set by: defaults, config file, SLUICE_BROKER_PORT, --http-port/,
    );
  });

  it('broker: a bad flag value exits 2 naming the flag', async () => {
    const result = await collect(spawnCli(['broker', '--check-config', '--port', 'abc']), 10_000);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--port must be an integer between 0 and 65535, got 'abc' \(broker\.port\)/);
  });
});

describe('sluice broker --config', () => {
  it('applies the broker section, under SLUICE_* variables and flags', async () => {
    const dir = tempDir('sluice-config-');
    const path = configFile(
      dir,
      'broker:\n  segmentBytes: 1048576\n  retentionMs: 3600000\n  defaultPartitions: 2\n  flushIntervalMs: 1000\n',
    );
    const child = spawnCli(
      [
        'broker',
        '--config',
        path,
        '--port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--default-partitions',
        '3',
      ],
      { SLUICE_BROKER_RETENTION_MS: '7200000' },
    );
    let out = '';
    const exited = collect(child, 30_000);
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        const match = LISTENING.exec(out);
        if (match) resolve(Number(match[2]));
      });
      child.once('exit', () => reject(new Error(`broker exited before listening: ${out}`)));
    });
    const client = await WireClient.connect(port);
    try {
      const response = await client.request(DescribeConfigs, 4, {
        resources: [
          {
            resourceType: BROKER,
            resourceName: '1',
            configurationKeys: [
              'log.segment.bytes',
              'log.retention.ms',
              'num.partitions',
              'log.flush.interval.ms',
            ],
          },
        ],
        includeSynonyms: false,
        includeDocumentation: false,
      });
      const values = Object.fromEntries(response.results[0].configs.map((c) => [c.name, c.value]));
      assert.deepEqual(values, {
        'log.segment.bytes': '1048576',
        'log.retention.ms': '7200000',
        'num.partitions': '3',
        'log.flush.interval.ms': '1000',
      });
    } finally {
      client.close();
    }
    await stop(child);
    assert.equal((await exited).code, 0);
  });
});
