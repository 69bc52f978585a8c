import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type BrokerOptions, type RunningBroker, startBroker } from '../../src/index.js';

export interface TestBroker extends RunningBroker {
  readonly dataDir: string;
  /** Stops the broker and removes its data directory. */
  dispose(): Promise<void>;
}

/** An in-process broker on a free port with a fresh data directory. */
export async function startTestBroker(options: BrokerOptions = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-test-'));
  const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });
  const broker = await startBroker({ port: 0, ...options, dataDir }, logger);
  return {
    ...broker,
    dataDir,
    async dispose() {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
