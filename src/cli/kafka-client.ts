// Creates the @platformatic/kafka clients the CLI commands use, with settings for a command line:
// fail fast (few, short retries) and never create topics as a side effect.

import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { ClusterClient, baseOptions as clientOptions } from '../client/index.js';

const CLIENT_ID = 'sluice-cli';

function baseOptions(bootstrap: string[], role: string) {
  return clientOptions(bootstrap, `${CLIENT_ID}-${role}`);
}

export function createAdmin(bootstrap: string[]): Admin {
  return new Admin(baseOptions(bootstrap, 'admin'));
}

/** Requests sent with Sluice's own codec (DescribeGroups), through the client room's door. */
export function createClusterClient(bootstrap: string[]): ClusterClient {
  return new ClusterClient({ bootstrap, clientId: `${CLIENT_ID}-groups`, timeoutMs: 10_000 });
}

/** A producer of raw Buffers (keys, values and headers are encoded by the caller). */
export function createProducer(bootstrap: string[]): Producer {
  return new Producer(baseOptions(bootstrap, 'producer'));
}

/** Group membership timings of `sluice consume --group`. */
export const GROUP_SESSION_TIMEOUT_MS = 10_000;
export const GROUP_HEARTBEAT_INTERVAL_MS = 3_000;
export const GROUP_REBALANCE_TIMEOUT_MS = 30_000;

/**
 * A consumer that joins `groupId` (classic protocol) when it starts consuming. JoinGroup blocks at
 * the coordinator until every member has rejoined (up to the rebalance timeout), so requests may
 * take that long; offsets are committed by the caller (no autocommit).
 */
export function createGroupConsumer(bootstrap: string[], groupId: string): Consumer {
  return new Consumer({
    ...baseOptions(bootstrap, 'consumer'),
    groupId,
    timeout: GROUP_REBALANCE_TIMEOUT_MS + 5_000,
    sessionTimeout: GROUP_SESSION_TIMEOUT_MS,
    heartbeatInterval: GROUP_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeout: GROUP_REBALANCE_TIMEOUT_MS,
    autocommit: false,
  });
}

/** Anything with the clients' `close()`. */
interface Closable {
  close(): Promise<void>;
}

/** Runs `body` with a client and always closes the client afterwards, so the process can exit. */
export async function withClient<C extends Closable, R>(
  client: C,
  body: (client: C) => Promise<R>,
): Promise<R> {
  try {
    return await body(client);
  } finally {
    await client.close().catch(() => {});
  }
}
