// The `logs:` section of the config file: retention by time and size lands on the logs topic
// and its index topic (and changes there on the next start); a bad section is refused.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/index.js';
import { startTestPlatform } from '../helpers/platform-fixture.js';

describe('log retention from the config file', () => {
  it('sets retention.ms and retention.bytes on the logs and index topics', async () => {
    const platform = await startTestPlatform({
      config: { logs: { topic: 'app-logs', partitions: 2, retention: '2d', retentionBytes: '1GiB' } },
    });
    try {
      const logs = platform.broker.core.logs;
      for (const name of ['app-logs', 'app-logs.index']) {
        const topic = logs.topic(name);
        assert.ok(topic, `${name} exists`);
        assert.equal(topic.configs['retention.ms'], String(2 * 24 * 3600 * 1000));
        assert.equal(topic.configs['retention.bytes'], String(1024 ** 3));
      }
      assert.equal(logs.topic('app-logs')?.partitions, 2);
    } finally {
      await platform.dispose();
    }
  });

  it('refuses an unknown key or a bad value, naming it', async () => {
    await assert.rejects(
      startTestPlatform({ config: { logs: { retension: '1d' } } }),
      (err: Error) =>
        err instanceof ConfigError &&
        err.key === 'logs.retension' &&
        /logs\.retension: unknown key \(did you mean 'retention'\?\)/.test(err.message),
    );
    await assert.rejects(
      startTestPlatform({ config: { logs: { retention: 'soon' } } }),
      (err: Error) =>
        err instanceof ConfigError &&
        /^logs\.retention: must be a duration like 30s.*got 'soon'/.test(err.message),
    );
  });
});
