// Which peers this machine has, so that compat tests can skip (with a reason) instead of failing.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runProcess } from './process.js';
import { SYSTEM_PYTHON } from './python.js';

export type PeerName = 'kcat' | 'confluent-kafka' | 'kafka-python' | 'kafka-tools';

const cache = new Map<PeerName, Promise<string | null>>();

/** Resolves to null when the peer can run here, else to the reason it cannot. */
export function peerMissing(peer: PeerName): Promise<string | null> {
  let p = cache.get(peer);
  if (!p) {
    p = check(peer);
    cache.set(peer, p);
  }
  return p;
}

async function check(peer: PeerName): Promise<string | null> {
  const ok = async (cmd: string, args: string[]): Promise<boolean> => {
    try {
      return (await runProcess(cmd, args, { timeoutMs: 15_000 })).code === 0;
    } catch {
      return false;
    }
  };
  switch (peer) {
    case 'kcat':
      return (await ok('kcat', ['-V'])) ? null : 'kcat is not installed (apt-get install kcat)';
    case 'confluent-kafka':
      return (await ok(SYSTEM_PYTHON, ['-c', 'import confluent_kafka']))
        ? null
        : 'python3-confluent-kafka is not installed';
    case 'kafka-python':
      return (await ok(SYSTEM_PYTHON, ['-c', 'import kafka'])) ? null : 'python3-kafka is not installed';
    case 'kafka-tools':
      return existsSync(join(repoRoot(), '.peers', 'kafka', 'libs'))
        ? null
        : 'Apache Kafka is not installed (scripts/peers/install-kafka.sh)';
  }
}
