import { statfs } from 'node:fs/promises';
import type { HealthIndicator } from './health.js';

/** Spring's default: DOWN below 10 MiB free. */
export const DEFAULT_DISK_THRESHOLD_BYTES = 10 * 1024 * 1024;

/** Free space on the data directory's file system, as Spring's diskSpace indicator reports it. */
export function diskSpaceIndicator(
  path: string,
  thresholdBytes = DEFAULT_DISK_THRESHOLD_BYTES,
): HealthIndicator {
  return {
    name: 'diskSpace',
    async check() {
      const s = await statfs(path);
      const free = s.bavail * s.bsize;
      return {
        status: free >= thresholdBytes ? 'UP' : 'DOWN',
        details: { total: s.blocks * s.bsize, free, threshold: thresholdBytes, path, exists: true },
      };
    },
  };
}
