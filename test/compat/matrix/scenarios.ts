// The compatibility matrix's scenarios: every adapter (one real client, see adapters.ts) runs
// these, in this order, against one broker, and prints one JSON line per scenario:
//   {"scenario":"<id>","ok":true|false|null,"detail":"<short reason or measured fact>"}
// ok:null means the client cannot do it ("not supported by <client>: <why>").
//
// Adapter command line: <command...> --bootstrap HOST:PORT --prefix P. Topics are `${P}-<id>`,
// group ids `${P}-g-<id>`. Each scenario creates what it needs (through the client's admin API
// where it has one, else by producing to an auto-created topic; both brokers run with 3
// partitions for auto-created topics), does not stop the adapter when it fails, and the whole
// run ends within ADAPTER_TIMEOUT_MS with exit code 0.

export interface Scenario {
  readonly id: string;
  /** Column label in the printed matrix. */
  readonly short: string;
  readonly description: string;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'create-topic',
    short: 'create',
    description: 'create `P-create-topic` with 3 partitions; metadata shows 3 partitions',
  },
  {
    id: 'produce-keyed-acks-all',
    short: 'produce',
    description:
      '300 messages to a 3-partition topic, keys k0..k9 round-robin, values "0".."299", acks=all, idempotent where the client supports it; all acknowledged',
  },
  {
    id: 'consume-from-beginning',
    short: 'consume',
    description: 'read the 300 back from the earliest offset (no group, or a fresh group); count = 300',
  },
  {
    id: 'per-key-order',
    short: 'order',
    description: 'in what was read: every key sits on one partition and its values increase with offset',
  },
  {
    id: 'headers',
    short: 'headers',
    description: 'one message with headers [("h1","v1"),("h2","")] reads back with the same headers in order',
  },
  {
    id: 'compression-gzip',
    short: 'gzip',
    description: '50 messages of a repetitive 200-byte value, gzip; all read back intact',
  },
  {
    id: 'compression-snappy',
    short: 'snappy',
    description: '50 messages of a repetitive 200-byte value, snappy; all read back intact',
  },
  {
    id: 'compression-lz4',
    short: 'lz4',
    description: '50 messages of a repetitive 200-byte value, lz4; all read back intact',
  },
  {
    id: 'compression-zstd',
    short: 'zstd',
    description: '50 messages of a repetitive 200-byte value, zstd; all read back intact',
  },
  {
    id: 'null-key-and-value',
    short: 'nulls',
    description:
      'a message with a null key and a null value (two messages if the client cannot send both at once) reads back as nulls',
  },
  {
    id: 'message-1mb',
    short: '1 MB',
    description:
      "a 1,000,000-byte value (the client's own size limits raised) is produced and read back intact",
  },
  {
    id: 'group-rebalance',
    short: 'rebalance',
    description:
      'two members of `P-g-group-rebalance` on a 4-partition topic both get partitions; one leaves; the other ends up owning all 4',
  },
  {
    id: 'commit-and-resume',
    short: 'resume',
    description:
      '20 messages on partition 0; a group member reads 10 and commits offset 10; a new member of the group reads exactly offsets 10..19',
  },
  {
    id: 'list-offsets-by-timestamp',
    short: 'by time',
    description:
      '5 messages on partition 0 with timestamps t0+0,1000,..,4000 (t0 = now - 1 h); the offset for time t0+2500 is 3',
  },
  {
    id: 'describe-configs',
    short: 'configs',
    description: 'a topic created with retention.ms=123456; describe configs shows retention.ms=123456',
  },
  {
    id: 'delete-topic',
    short: 'delete',
    description: 'delete `P-create-topic`; it disappears from the topic list',
  },
];

export const SCENARIO_IDS: readonly string[] = SCENARIOS.map((s) => s.id);

/** An adapter must have printed every line and exited by then; the runner kills it after this. */
export const ADAPTER_TIMEOUT_MS = 120_000;
