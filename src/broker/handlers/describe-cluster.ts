import { DescribeCluster, ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';
import { ALL_CLUSTER_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';

const BROKERS_ENDPOINT = 1;

export const describeCluster = defineHandler(DescribeCluster, (ctx, request) => {
  const { broker } = ctx;
  if (request.endpointType !== BROKERS_ENDPOINT) {
    return {
      errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
      errorMessage: 'only broker endpoints (type 1) are served',
      endpointType: request.endpointType,
      clusterId: broker.clusterId,
    };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: BROKERS_ENDPOINT,
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    brokers: [
      { brokerId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null },
    ],
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
      ? ALL_CLUSTER_OPERATIONS
      : NO_OPERATIONS,
  };
});
