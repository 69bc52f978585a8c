import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The cluster id and node id, kept in meta.properties as Kafka keeps them, so that clients
 * see the same cluster after a restart.
 */
export function loadClusterIdentity(dataDir: string, nodeId: number): { clusterId: string; nodeId: number } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'meta.properties');
  try {
    const props = Object.fromEntries(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.includes('=') && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
    );
    if (props['cluster.id']) return { clusterId: props['cluster.id'], nodeId };
  } catch {
    // first start
  }
  const clusterId = randomBytes(16).toString('base64url');
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `# written by sluice\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return { clusterId, nodeId };
}
