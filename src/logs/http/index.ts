// Loki's HTTP API and live tail over the log store.
export { registerLokiRoutes } from './loki-routes.js';
export { registerTailRoutes } from './tail.js';
export { TAIL_QUEUE_BYTES, TAIL_QUEUE_LIMIT, TAIL_SOCKET_HIGH_WATER } from './tail-hub.js';
