// The clients the CLI commands use, made through the client room's door with settings for a
// command line: fail fast (few, short retries) and never create topics as a side effect.

import { KafkaAdmin, KafkaProducer } from '../client/index.js';

const CLIENT_ID = 'sluice-cli';

export function createAdmin(bootstrap: string[]): KafkaAdmin {
  return new KafkaAdmin({ bootstrap, clientId: `${CLIENT_ID}-admin` });
}

/** A producer of raw Buffers (keys, values and headers are encoded by the caller). */
export function createProducer(bootstrap: string[]): KafkaProducer {
  return new KafkaProducer({ bootstrap, clientId: `${CLIENT_ID}-producer` });
}

export const CONSUMER_CLIENT_ID = `${CLIENT_ID}-consumer`;

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
