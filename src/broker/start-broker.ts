import { createServer, type Server } from 'node:net';
import { type Logger, pino } from 'pino';
import { LogManager } from '../storage/index.js';
import { BrokerCore } from './broker-core.js';
import { loadClusterIdentity } from './cluster-identity.js';
import { type BrokerOptions, resolveOptions } from './config.js';
import { Connection } from './connection.js';
import { advertisedVersions, createDispatcher } from './dispatch.js';
import { GroupService } from './groups/index.js';
import { HANDLERS } from './handlers/index.js';

export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** "host:port", ready for a client's bootstrap servers. */
  readonly bootstrap: string;
  readonly clusterId: string;
  readonly core: BrokerCore;
  close(): Promise<void>;
}

/** Starts a broker: recovers the data directory, then listens. Resolves once it accepts connections. */
export async function startBroker(options: BrokerOptions = {}, logger?: Logger): Promise<RunningBroker> {
  const resolved = resolveOptions(options);
  const log = logger ?? pino({ name: 'sluice-broker', level: resolved.logLevel }, pino.destination(2));
  const { clusterId } = loadClusterIdentity(resolved.dataDir, resolved.nodeId);
  const logs = await LogManager.open(resolved.dataDir, {
    ...resolved.topicDefaults,
  });
  const groups = await GroupService.open(logs, resolved.groups, log);
  const core = new BrokerCore(resolved, logs, groups, clusterId, log);
  core.supportedApis = advertisedVersions(HANDLERS);
  const dispatch = createDispatcher(core, HANDLERS);
  const connections = new Set<Connection>();
  const limits = { maxRequestBytes: resolved.maxRequestBytes, maxInFlight: 64 };

  const server: Server = createServer((socket) => {
    const connection = new Connection(socket, dispatch, limits, log);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
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
  log.info({ host: resolved.host, port, dataDir: resolved.dataDir, clusterId }, 'broker listening');

  let closing: Promise<void> | undefined;
  return {
    host: resolved.host,
    port,
    bootstrap: `${core.advertised.host}:${core.advertised.port}`,
    clusterId,
    core,
    close() {
      closing ??= (async () => {
        server.close();
        core.appends.wakeAll();
        for (const c of connections) c.socket.destroy();
        groups.close();
        await logs.close();
        log.info('broker stopped');
      })();
      return closing;
    },
  };
}
