import type { Handler } from '../handler.js';
import { apiVersions } from './api-versions.js';
import { describeCluster } from './describe-cluster.js';
import { fetch } from './fetch.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';

/** Every API the broker serves; ApiVersions is answered from this list. */
export const HANDLERS: readonly Handler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  initProducerId,
  describeCluster,
] as unknown as readonly Handler[];
