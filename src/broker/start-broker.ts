import { createServer, type Server } from 'node:net';
import { type Logger, pino } from 'pino';
import type { Registry } from 'prom-client';
import { defaultIo, LogManager, type StorageIo } from '../storage/index.js';
import { BrokerCore } from './broker-core.js';
import { loadClusterIdentity } from './cluster-identity.js';
import { type BrokerOptions, resolveOptions } from './config.js';
import { Connection } from './connection.js';
import { advertisedVersions, createDispatcher } from './dispatch.js';
import { DynamicBrokerConfigs } from './dynamic-configs.js';
import { GroupService } from './groups/index.js';
import { HANDLERS } from './handlers/index.js';
import { PromBrokerMetrics } from './metrics/index.js';

const PRODUCER_SNAPSHOT_INTERVAL_MS = 30_000;

export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** "host:port", ready for a client's bootstrap servers. */
  readonly bootstrap: string;
  readonly clusterId: string;
  readonly core: BrokerCore;
  /** The registry holding the broker's metrics, unless they were turned off. */
  readonly metrics: Registry | undefined;
  close(): Promise<void>;
}

/** Starts a broker: recovers the data directory, then listens. Resolves once it accepts connections. */
export async function startBroker(options: BrokerOptions = {}, logger?: Logger): Promise<RunningBroker> {
  const resolved = resolveOptions(options);
  const log = logger ?? pino({ name: 'sluice-broker', level: resolved.logLevel }, pino.destination(2));
  const { clusterId } = loadClusterIdentity(resolved.dataDir, resolved.nodeId);
  // Storage reports fsync durations through its io; the core's metrics exist only after the logs.
  let core: BrokerCore | undefined;
  const io: StorageIo = {
    ...defaultIo,
    async datasync(fd) {
      const started = performance.now();
      await defaultIo.datasync(fd);
      core?.metrics.fsync((performance.now() - started) / 1000);
    },
  };
  // Dynamic broker configs set before a restart overlay the static topic defaults.
  const dynamicConfigs = await DynamicBrokerConfigs.load(
    resolved.dataDir,
    { ...resolved.topicDefaults },
    (m) => log.warn(m),
  );
  const logs = await LogManager.open(resolved.dataDir, dynamicConfigs.effectiveDefaults(), { io });
  const groups = await GroupService.open(logs, resolved.groups, log);
  core = new BrokerCore(resolved, logs, groups, clusterId, log);
  core.dynamicConfigs = dynamicConfigs;
  const registry = resolved.metrics || undefined;
  if (registry) {
    const metrics = new PromBrokerMetrics(registry, logs, resolved.dataDir);
    core.metrics = metrics;
    groups.onRebalance = (groupId) => metrics.rebalance(groupId);
  }
  const { metrics } = core;
  core.supportedApis = advertisedVersions(HANDLERS);
  const dispatch = createDispatcher(core, HANDLERS);
  const connections = new Set<Connection>();
  const limits = { maxRequestBytes: resolved.maxRequestBytes, maxInFlight: 64 };

  const server: Server = createServer((socket) => {
    const connection = new Connection(socket, dispatch, limits, log);
    connections.add(connection);
    metrics.connectionOpened();
    socket.on('close', () => {
      connections.delete(connection);
      metrics.connectionClosed();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : resolved.port;
  core.advertised = { host: resolved.advertisedHost ?? resolved.host, port: resolved.advertisedPort ?? port };
  logs.startRetention(resolved.retentionCheckIntervalMs);
  // Producer-state snapshots bound how much log a restart after a crash must scan.
  const snapshots = setInterval(() => void core.producers.snapshotAll(), PRODUCER_SNAPSHOT_INTERVAL_MS);
  snapshots.unref();
  log.info({ host: resolved.host, port, dataDir: resolved.dataDir, clusterId }, 'broker listening');

  let closing: Promise<void> | undefined;
  return {
    host: resolved.host,
    port,
    bootstrap: `${core.advertised.host}:${core.advertised.port}`,
    clusterId,
    core,
    metrics: registry,
    close() {
      closing ??= (async () => {
        server.close();
        core.appends.wakeAll();
        for (const c of connections) c.socket.destroy();
        groups.close();
        clearInterval(snapshots);
        await core.producers.snapshotAll();
        await logs.close();
        log.info('broker stopped');
      })();
      return closing;
    },
  };
}
