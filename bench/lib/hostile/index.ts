// Misbehaving clients for the benchmarks (never used by tests of correctness).
export * from './http-hostiles.js';
export * from './kafka-hostiles.js';
