import { Heartbeat } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const heartbeat = defineHandler(Heartbeat, (ctx, request) => ({
  throttleTimeMs: 0,
  errorCode: ctx.broker.groups.coordinator.heartbeat(request),
}));
