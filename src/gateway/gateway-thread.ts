// Runs the gateway on a worker thread of its own and answers for it: resolves once it listens,
// rejects with its error (a route problem, a port in use) when it cannot start.

import { Worker } from 'node:worker_threads';
import { SluiceError, type SluiceErrorCode } from '../errors/index.js';
import type { MessageEndpoint } from '../platform/worker/metrics-mirror.js';
import type { GatewayConfig } from './config.js';

export interface GatewayThreadSettings {
  config: GatewayConfig;
  bootstrap: string;
  logLevel: string;
}

export type FromGatewayThread =
  | { type: 'ready'; url: string; port: number; adminUrl?: string }
  | { type: 'failed'; message: string; code?: SluiceErrorCode }
  | { type: 'closed' };

export interface GatewayThread {
  readonly url: string;
  readonly port: number;
  readonly adminUrl?: string;
  /** Answers metrics requests with the gateway's registry (a MetricsMirror reads it). */
  readonly metricsEndpoint: MessageEndpoint;
  close(): Promise<void>;
}

const WORKER_URL = new URL('./gateway-worker.js', import.meta.url);
const CLOSE_TIMEOUT_MS = 15_000;

export async function startGatewayThread(settings: GatewayThreadSettings): Promise<GatewayThread> {
  const worker = new Worker(WORKER_URL, { workerData: settings });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const ready = await new Promise<{ url: string; port: number; adminUrl?: string }>((resolve, reject) => {
    worker.on('message', (message: FromGatewayThread) => {
      if (message.type === 'ready') {
        const { type: _, ...facts } = message;
        resolve(facts);
      }
      if (message.type === 'failed') reject(new SluiceError(message.code ?? 'INTERNAL', message.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the gateway thread exited with code ${code}`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  return {
    ...ready,
    metricsEndpoint: worker,
    async close() {
      const closed = new Promise<void>((resolve) =>
        worker.on('message', (m: FromGatewayThread) => m.type === 'closed' && resolve()),
      );
      worker.postMessage({ type: 'close' });
      await Promise.race([closed, exited, new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS).unref())]);
      await worker.terminate();
      await exited;
    },
  };
}
