// Loki's HTTP API and live tail over the log store.
export { registerLokiRoutes } from './loki-routes.js';
export { registerTailRoutes, TAIL_QUEUE_LIMIT, TAIL_SOCKET_HIGH_WATER } from './tail.js';
