// Entry of the gateway's thread: starts the gateway with the settings it was given and closes it
// when told.

import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { isSluiceError } from '../errors/index.js';
import { answerMetricsRequests } from '../platform/worker/metrics-mirror.js';
import type { FromGatewayThread, GatewayThreadSettings } from './gateway-thread.js';
import { startGateway } from './start-gateway.js';

if (!parentPort) throw new Error('gateway-worker.js runs only as a worker thread');
const port = parentPort;
const post = (message: FromGatewayThread) => port.postMessage(message);
const settings = workerData as GatewayThreadSettings;
const logger = pino({ name: 'sluice', level: settings.logLevel }, pino.destination(2)).child({
  component: 'gateway',
});

try {
  const gateway = await startGateway({ config: settings.config, bootstrap: settings.bootstrap, logger });
  // The platform thread serves /metrics: it reads the gateway's registry through this port.
  answerMetricsRequests(port, gateway.metrics);
  port.on('message', (message: { type: string }) => {
    if (message.type !== 'close') return;
    gateway.close().finally(() => {
      post({ type: 'closed' });
      port.close();
    });
  });
  post({
    type: 'ready',
    url: gateway.url,
    port: gateway.port,
    ...(gateway.adminUrl === undefined ? {} : { adminUrl: gateway.adminUrl }),
  });
} catch (error) {
  post({
    type: 'failed',
    message: (error as Error).message,
    ...(isSluiceError(error) ? { code: error.code } : {}),
  });
  port.close();
}
