import { type Logger, pino } from 'pino';
import type { Registry } from 'prom-client';
import { RateLimitedLog } from '../errors/index.js';
import { defaultIo, LogManager, type StorageIo } from '../storage/index.js';
import { BrokerCore } from './broker-core.js';
import { loadClusterIdentity } from './cluster-identity.js';
import { type BrokerOptions, resolveOptions } from './config.js';
import { advertisedVersions, createDispatcher } from './dispatch.js';
import { DynamicBrokerConfigs } from './dynamic-configs.js';
import { GroupService } from './groups/index.js';
import { HANDLERS } from './handlers/index.js';
import { listen } from './listener.js';
import { type NetworkStats, PromBrokerMetrics, registerReadBufferMetrics } from './metrics/index.js';

const PRODUCER_SNAPSHOT_INTERVAL_MS = 30_000;
const STORAGE_WARNING_INTERVAL_MS = 60_000;

export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** "host:port", ready for a client's bootstrap servers. */
  readonly bootstrap: string;
  readonly clusterId: string;
  readonly core: BrokerCore;
  /** The registry holding the broker's metrics, unless they were turned off. */
  readonly metrics: Registry | undefined;
  /** The network layer's memory figures (also exported as metrics). */
  readonly network: NetworkStats;
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
  // Skipped metadata writes (a full disk) cost only a longer next start: one line per kind.
  const warnings = new RateLimitedLog(log, STORAGE_WARNING_INTERVAL_MS);
  const onWarning = (message: string, err: unknown) => {
    warnings.warn(message.replace(/\S*\//g, ''), err, message);
  };
  const started = performance.now();
  const logs = await LogManager.open(resolved.dataDir, dynamicConfigs.effectiveDefaults(), { io, onWarning });
  log.info({ ...logs.startReport, ms: Math.round(performance.now() - started) }, 'partitions loaded');
  const groups = await GroupService.open(logs, resolved.groups, log);
  core = new BrokerCore(resolved, logs, groups, clusterId, log);
  core.dynamicConfigs = dynamicConfigs;
  const registry = resolved.metrics || undefined;
  if (registry) {
    const metrics = new PromBrokerMetrics(registry, logs, resolved.dataDir);
    core.metrics = metrics;
    groups.onRebalance = (groupId) => metrics.rebalance(groupId);
    registerReadBufferMetrics(registry, core.readBuffers);
  }
  const { metrics } = core;
  core.supportedApis = advertisedVersions(HANDLERS);
  const dispatch = createDispatcher(core, HANDLERS);
  const listener = await listen(resolved, dispatch, metrics, registry, log, core.responses);
  const { port } = listener;
  core.advertised = { host: resolved.advertisedHost ?? resolved.host, port: resolved.advertisedPort ?? port };
  logs.startRetention(resolved.retentionCheckIntervalMs);
  // Producer-state snapshots bound how much log a restart after a crash must scan.
  const snapshots = setInterval(() => void core.producers.snapshotAll(), PRODUCER_SNAPSHOT_INTERVAL_MS);
  snapshots.unref();
  // Read buffers a burst of consumers left idle are freed once a minute passes without reads.
  const trimBuffers = setInterval(() => core.readBuffers.trim(), 60_000);
  trimBuffers.unref();
  log.info({ host: resolved.host, port, dataDir: resolved.dataDir, clusterId }, 'broker listening');

  let closing: Promise<void> | undefined;
  return {
    host: resolved.host,
    port,
    bootstrap: `${core.advertised.host}:${core.advertised.port}`,
    clusterId,
    core,
    metrics: registry,
    network: listener.stats,
    close() {
      closing ??= (async () => {
        listener.close();
        core.appends.wakeAll();
        groups.close();
        clearInterval(snapshots);
        clearInterval(trimBuffers);
        await core.producers.snapshotAll();
        await logs.close();
        log.info('broker stopped');
      })();
      return closing;
    },
  };
}
