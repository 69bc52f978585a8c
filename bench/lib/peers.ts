// `--vs PEER[,PEER...]`: which other systems a run measures side by side with Sluice. Only
// Apache Kafka so far; a new peer gets its name here and its suite where run.ts dispatches.

export interface PeerInfo {
  /** What `--vs NAME` adds, for the usage text. */
  summary: string;
}

export const PEERS: Record<string, PeerInfo> = {
  kafka: {
    summary:
      'Apache Kafka with three load generators (franz-go, Kafka perf tools, librdkafka) over the whole matrix, and a PNG chart of the ratios',
  },
  nats: { summary: 'NATS JetStream: durable publish and consume of 100-byte records (bench/streams.ts)' },
  redis: { summary: 'Redis Streams with AOF: the same workload (bench/streams.ts)' },
  rabbitmq: {
    summary: 'RabbitMQ quorum queue with publisher confirms: the same workload (bench/streams.ts)',
  },
};

/** The peers measured by bench/streams.ts rather than over the Kafka matrix. */
export const STREAM_PEERS = ['nats', 'redis', 'rabbitmq'] as const;

export type PeerName = keyof typeof PEERS;

/** The peers named by `--vs` (comma-separated, no repeats), or why the value is wrong. */
export function parseVs(value: string | undefined): { peers: string[] } | { error: string } {
  if (value === undefined) return { peers: [] };
  const peers = [...new Set(value.split(',').map((s) => s.trim().toLowerCase()))].filter((s) => s !== '');
  const unknown = peers.filter((p) => !(p in PEERS));
  if (peers.length === 0 || unknown.length > 0) {
    const known = Object.keys(PEERS).join(', ');
    return { error: `--vs: unknown peer ${unknown.join(', ') || '(none given)'}; known: ${known}` };
  }
  return { peers };
}

export function peersUsage(): string {
  return Object.entries(PEERS)
    .map(([name, p]) => `                   ${name}: ${p.summary}`)
    .join('\n');
}
