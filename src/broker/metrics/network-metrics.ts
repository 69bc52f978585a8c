import { Counter, Gauge, type Registry } from 'prom-client';
import { REJECT_REASONS } from '../connection-limits.js';

/** What the network layer exposes for its bounds, read at scrape time. */
export interface NetworkStats {
  /** Request bytes held broker-wide, against queued.max.request.bytes. */
  bufferedRequestBytes(): number;
  readonly queuedMaxRequestBytes: number;
  /** Times a connection had to wait for request memory. */
  requestMemoryWaits(): number;
  /** Response bytes written but not yet taken by clients' sockets, over all connections. */
  unsentResponseBytes(): number;
  /** Connections closed on accept because a connection limit was reached, by which limit. */
  rejectedConnections(): Readonly<Record<string, number>>;
  /** Connections not being read, by why. */
  blockedConnections(): Record<string, number>;
}

const BLOCK_REASONS = ['request_memory', 'unsent_responses', 'in_flight'];

/** Gauges for the broker's memory bounds (see docs/architecture.md, the broker room). */
export function registerNetworkMetrics(registry: Registry, stats: NetworkStats): void {
  const registers = [registry];
  new Gauge({
    name: 'sluice_request_buffered_bytes',
    help: 'Request bytes the broker holds (frames being received or handled), all connections.',
    registers,
    collect() {
      this.set(stats.bufferedRequestBytes());
    },
  });
  new Gauge({
    name: 'sluice_request_buffered_limit_bytes',
    help: 'Budget for buffered request bytes (queued.max.request.bytes).',
    registers,
    collect() {
      this.set(stats.queuedMaxRequestBytes);
    },
  });
  new Counter({
    name: 'sluice_request_memory_waits_total',
    help: 'Times a connection stopped reading because the request budget was used up.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.requestMemoryWaits());
    },
  });
  new Gauge({
    name: 'sluice_response_unsent_bytes',
    help: 'Response bytes waiting for clients to read them, all connections.',
    registers,
    collect() {
      this.set(stats.unsentResponseBytes());
    },
  });
  new Counter({
    name: 'sluice_connections_rejected_total',
    help: 'Connections closed as soon as accepted, by the limit reached: max_connections, max_connections_per_ip.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      const counts = stats.rejectedConnections();
      for (const reason of REJECT_REASONS) this.inc({ reason }, counts[reason] ?? 0);
    },
  });
  new Gauge({
    name: 'sluice_connections_blocked',
    help: 'Connections whose requests are not being read, by reason: request_memory, unsent_responses, in_flight.',
    labelNames: ['reason'],
    registers,
    collect() {
      const counts = stats.blockedConnections();
      for (const reason of BLOCK_REASONS) this.set({ reason }, counts[reason] ?? 0);
    },
  });
}
