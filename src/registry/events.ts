// A registry event: one JSON record per change on the events topic, keyed APP/instanceId. Its
// `instance` is the instance in Eureka's JSON shape (what GET /eureka/apps/APP/ID shows), so a
// follower (the gateway, the console, a service) reads it as any Eureka client would; the latest
// event of a key is the instance's state, which is what a restart rebuilds from.

import { instanceJson } from './codec.js';
import { type GivenLease, type InstanceInfo, parseRegistration } from './instance.js';
import type { ActionType, Change, ChangeReason } from './instance-registry.js';

export interface RegistryEvent {
  /** ADDED, MODIFIED or DELETED, as Eureka's actionType. */
  action: ActionType;
  /**
   * What caused it: registered, status, status-override-removed, metadata, renewal-status, cancelled,
   * evicted; or snapshot, which is no change: the instance written again to outlast the retention.
   */
  reason: ChangeReason;
  /** When it happened, ms since the epoch. */
  at: number;
  app: string;
  instanceId: string;
  instance: Record<string, unknown>;
}

export const eventKey = (app: string, instanceId: string): Buffer => Buffer.from(`${app}/${instanceId}`);

export function encodeEvent(change: Change): Buffer {
  const event: RegistryEvent = {
    action: change.action,
    reason: change.reason,
    at: change.at,
    app: change.instance.app,
    instanceId: change.instance.instanceId,
    instance: instanceJson(change, change.action),
  };
  return Buffer.from(JSON.stringify(event));
}

export interface DecodedEvent {
  action: ActionType;
  app: string;
  instanceId: string;
  /** The instance and its lease's timestamps, for an event that leaves it registered. */
  restored?: { instance: InstanceInfo; lease: GivenLease };
}

/** An event read back; undefined for a record that is not one (logged by the caller). */
export function decodeEvent(value: Buffer, now: number): DecodedEvent | undefined {
  let event: Partial<RegistryEvent>;
  try {
    event = JSON.parse(value.toString('utf8')) as Partial<RegistryEvent>;
  } catch {
    return undefined;
  }
  const { action, app, instanceId } = event;
  if (typeof app !== 'string' || typeof instanceId !== 'string') return undefined;
  if (action === 'DELETED') return { action, app, instanceId };
  if (action !== 'ADDED' && action !== 'MODIFIED') return undefined;
  try {
    const restored = parseRegistration({ instance: event.instance }, app, now);
    return { action, app, instanceId, restored };
  } catch {
    return undefined;
  }
}
