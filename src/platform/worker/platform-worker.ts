// Entry of the platform thread: the HTTP server and every component run here, off the broker's
// event loop. It talks to the broker thread only through its parent port (metrics snapshots,
// ready/failed/closed) and to the broker itself over the Kafka wire.

import { parentPort } from 'node:worker_threads';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { isSluiceError } from '../../errors/index.js';
import { PLATFORM_COMPONENTS } from '../components.js';
import { logDestination } from '../log-format.js';
import { MetricsMirror } from './metrics-mirror.js';
import {
  type PlatformSettings,
  type RunningComponents,
  startPlatformComponents,
} from './platform-components.js';
import type { FromPlatform, ToPlatform } from './platform-messages.js';
import { lowerThisThread } from './thread-priority.js';

if (!parentPort) throw new Error('platform-worker.js runs only as a worker thread');
const port = parentPort;
const post = (message: FromPlatform) => port.postMessage(message);
const registry = new Registry();
const mirror = new MetricsMirror(port, registry);

// The components' code loads now, while the broker recovers its logs; a failed import fails
// that component's start, with its name.
for (const component of PLATFORM_COMPONENTS) component.load?.().catch(() => {});

/** After a failed start, how long the thread may take to end by itself before it is ended. */
const FAILED_EXIT_GRACE_MS = 1_000;

let components: RunningComponents | undefined;
let closing = false;

// The thread is created while the broker recovers its logs, so loading this module graph overlaps
// with it; the settings (the broker's address above all) follow once the broker listens.
port.on('message', (message: ToPlatform) => {
  if (message?.type === 'start') start(message.settings);
  if (message?.type !== 'close' || closing) return;
  closing = true;
  (components?.close() ?? Promise.resolve()).finally(() => {
    post({ type: 'closed' });
    port.close();
  });
});

async function start(settings: PlatformSettings): Promise<void> {
  const log = pino(
    { name: 'sluice', level: settings.logLevel },
    logDestination(settings.logFormat ?? 'json', true),
  );
  try {
    if (settings.priority !== 0)
      log.debug({ priority: await lowerThisThread(settings.priority) }, 'platform thread priority');
    // The broker's metrics are mirrored before the alert rules first look for them.
    await mirror.sync();
    components = await startPlatformComponents(settings, registry, log);
    if (closing) await components.close();
    else post({ type: 'ready', port: components.port, url: components.url });
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const code = isSluiceError(error) ? error.code : undefined;
    post({ type: 'failed', error: { name: error.name, message: error.message, code } });
    port.close();
    // The supervisor answers the caller when this thread exits: a connection some component left
    // open while unwinding (the logs store's, seen with a later component failing) must not keep it
    // alive for minutes.
    setTimeout(() => process.exit(1), FAILED_EXIT_GRACE_MS).unref();
  }
}
