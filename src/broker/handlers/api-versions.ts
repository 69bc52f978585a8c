import { ApiVersions, ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const apiVersions = defineHandler(ApiVersions, (ctx) => ({
  errorCode: ErrorCode.NONE,
  apiKeys: ctx.broker.supportedApis,
  throttleTimeMs: 0,
}));
