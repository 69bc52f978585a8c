// What the broker thread and the platform thread say to each other (besides metrics snapshots).

import type { SluiceErrorCode } from '../../errors/index.js';
import type { PlatformSettings } from './platform-components.js';

/** From the platform thread. */
export type FromPlatform =
  | { type: 'ready'; port: number; url: string }
  | { type: 'failed'; error: { name: string; message: string; code?: SluiceErrorCode } }
  | { type: 'closed' };

/** To the platform thread. */
export type ToPlatform = { type: 'start'; settings: PlatformSettings } | { type: 'close' };
