// The pipeline benchmark's workload, defined once for both sides: the topics, the JSON Schema, the
// Sluice pipeline (YAML) and the Kafka Streams app's arguments that do the same work, and a
// deterministic generator of ~1 KiB JSON orders with the counts each output topic must receive.

import { closeSync, openSync, writeSync } from 'node:fs';

export const INPUT_TOPIC = 'pipeline-in';
export const DLQ_TOPIC = 'pipeline-dlq';
export const PARTITIONS = 6;
export const PIPELINE_NAME = 'bench';
/** The value's target size; each message is padded to exactly this many bytes. */
export const VALUE_BYTES = 1024;

/** Topic-exchange bindings: routing key `<type>.<region>` → output topic. */
export const BINDINGS: ReadonlyArray<{ pattern: string; to: string }> = [
  { pattern: 'order.#', to: 'out-orders' },
  { pattern: '*.eu.*', to: 'out-eu' },
  { pattern: 'refund.#', to: 'out-refunds' },
];
export const OUTPUT_TOPICS = [...new Set(BINDINGS.map((b) => b.to))];
/** The latency test measures records arriving here. */
export const LATENCY_TOPIC = 'out-orders';

const TYPES = [
  'order',
  'order',
  'order',
  'order',
  'order',
  'refund',
  'refund',
  'payment',
  'payment',
  'payment',
];
const REGIONS = ['eu.west', 'eu.north', 'us.east', 'us.west', 'ap.south'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY'];
const CHANNELS = ['web', 'app', 'store', 'phone'];
const TIERS = ['bronze', 'silver', 'gold'];
const CUSTOMERS = 10_000;
/** One message in a hundred breaks the schema (its amount is a string): exactly 1% of each 100. */
const INVALID_EVERY = 100;
/** `sentAt` is written as 13 digits (unix ms until the year 2286), so it can be patched in place. */
export const SENT_AT_PLACEHOLDER = 1_000_000_000_000;

export const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['id', 'type', 'region', 'amount', 'currency', 'customer', 'items', 'sentAt'],
  properties: {
    id: { type: 'string' },
    type: { enum: ['order', 'refund', 'payment'] },
    region: { type: 'string', pattern: '^[a-z]+\\.[a-z]+$' },
    amount: { type: 'number', minimum: 0 },
    currency: { type: 'string', minLength: 3, maxLength: 3 },
    channel: { type: 'string' },
    customer: {
      type: 'object',
      required: ['id', 'name'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        email: { type: 'string' },
        tier: { type: 'string' },
      },
    },
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['sku', 'qty', 'price'],
        properties: {
          sku: { type: 'string' },
          qty: { type: 'integer', minimum: 1 },
          price: { type: 'number', minimum: 0 },
        },
      },
    },
    note: { type: 'string' },
    sentAt: { type: 'integer' },
  },
} as const;

/**
 * The Sluice pipeline. Steps: validate (the schema above, draft 2020-12), replaceField (Connect's
 * ReplaceField: drop `channel`, rename `customer.id` to `customerId`), transform (JSONata: `total`
 * and the routing key as `route`), then a topic exchange on `route`; unmatched messages are
 * dropped (counted); schema violations go to the dead-letter topic.
 */
export function pipelineYaml(): string {
  const bindings = BINDINGS.map((b) => `        - {pattern: '${b.pattern}', to: ${b.to}}`).join('\n');
  return `pipelines:
  ${PIPELINE_NAME}:
    source:
      topics: [${INPUT_TOPIC}]
    steps:
      - type: validate
        schema: ${JSON.stringify(SCHEMA)}
      - type: replaceField
        exclude: [channel]
        renames: {customer.id: customerId}
      - type: transform
        expression: '$merge([$, {"total": $round(amount * 1.2), "route": type & "." & region}])'
    routes:
      exchange: topic
      routingKey: {field: route}
      bindings:
${bindings}
    unmatched: drop
    errors:
      deadLetter: {topic: ${DLQ_TOPIC}}
`;
}

/** The Streams app's arguments (bench/pipeline-streams), the same work as pipelineYaml(). */
export function streamsArgs(bootstrap: string, schemaFile: string): string[] {
  return [
    '--bootstrap',
    bootstrap,
    '--input',
    INPUT_TOPIC,
    '--schema',
    schemaFile,
    '--dlq',
    DLQ_TOPIC,
    ...BINDINGS.flatMap((b) => ['--bind', `${b.pattern}=${b.to}`]),
  ];
}

/** A small, seedable PRNG (mulberry32): the same seq always gives the same message. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Generated {
  key: string;
  value: Buffer;
  valid: boolean;
  routingKey: string;
}

/** Message number `seq`: a function of seq alone. */
export function generate(seq: number): Generated {
  const rnd = random(Math.imul(seq + 1, 0x9e3779b1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const type = pick(TYPES);
  const region = pick(REGIONS);
  const customer = Math.floor(rnd() * CUSTOMERS);
  const customerId = `c-${String(customer).padStart(5, '0')}`;
  const items = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => ({
    sku: `sku-${Math.floor(rnd() * 100_000)}`,
    qty: 1 + Math.floor(rnd() * 5),
    price: Math.round(rnd() * 50_000) / 100,
  }));
  // Whole amounts: amount × 1.2 never ends in .5, so every rounding rule gives the same total.
  const amount = Math.floor(rnd() * 100_000);
  const valid = seq % INVALID_EVERY !== INVALID_EVERY - 1;
  const value: Record<string, unknown> = {
    id: `m-${String(seq).padStart(10, '0')}`,
    type,
    region,
    amount: valid ? amount : String(amount),
    currency: pick(CURRENCIES),
    channel: pick(CHANNELS),
    customer: {
      id: customerId,
      name: `Customer ${customer}`,
      email: `customer.${customer}@example.com`,
      tier: pick(TIERS),
    },
    items,
    note: '',
    sentAt: SENT_AT_PLACEHOLDER,
  };
  const bare = Buffer.byteLength(JSON.stringify(value));
  value.note = 'x'.repeat(Math.max(0, VALUE_BYTES - bare));
  return {
    key: customerId,
    value: Buffer.from(JSON.stringify(value)),
    valid,
    routingKey: `${type}.${region}`,
  };
}

/** RabbitMQ topic matching, written as directly as it reads (`#` zero or more words, `*` one). */
export function topicMatches(pattern: string, key: string): boolean {
  const words = (s: string) => (s === '' ? [] : s.split('.'));
  const go = (p: readonly string[], k: readonly string[]): boolean => {
    if (p.length === 0) return k.length === 0;
    if (p[0] === '#') return go(p.slice(1), k) || (k.length > 0 && go(p, k.slice(1)));
    if (k.length === 0) return false;
    return (p[0] === '*' || p[0] === k[0]) && go(p.slice(1), k.slice(1));
  };
  return go(words(pattern), words(key));
}

/** The topics a valid message goes to, each once, in binding order. */
export function routesOf(routingKey: string): string[] {
  return [...new Set(BINDINGS.filter((b) => topicMatches(b.pattern, routingKey)).map((b) => b.to))];
}

export interface Expected {
  messages: number;
  invalid: number;
  dropped: number;
  /** Records per topic: every output topic and the dead-letter topic. */
  topics: Record<string, number>;
  /** Output records in all (a message may go to two topics). */
  outputs: number;
}

function emptyCounts(): Expected {
  const topics = Object.fromEntries([...OUTPUT_TOPICS, DLQ_TOPIC].map((t) => [t, 0]));
  return { messages: 0, invalid: 0, dropped: 0, topics, outputs: 0 };
}

function tally(counts: Expected, m: Generated): void {
  counts.messages++;
  if (!m.valid) {
    counts.invalid++;
    counts.topics[DLQ_TOPIC]++;
    return;
  }
  const to = routesOf(m.routingKey);
  if (to.length === 0) counts.dropped++;
  for (const t of to) counts.topics[t]++;
  counts.outputs += to.length;
}

/** What messages [from, from + count) must produce. */
export function expectedCounts(from: number, count: number): Expected {
  const counts = emptyCounts();
  for (let seq = from; seq < from + count; seq++) tally(counts, generate(seq));
  return counts;
}

/**
 * Writes messages [from, from + count) for `loadgen produce-file`: per record a 4-byte big-endian
 * key length, the key, a 4-byte value length, the value. Returns the expected counts, computed on
 * the way.
 */
export function writeRecordsFile(path: string, from: number, count: number): Expected {
  const counts = emptyCounts();
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  let used = 0;
  const flush = () => {
    writeSync(fd, chunk, 0, used);
    used = 0;
  };
  try {
    for (let seq = from; seq < from + count; seq++) {
      const m = generate(seq);
      tally(counts, m);
      const { key, value } = m;
      const keyBytes = Buffer.from(key);
      const need = 8 + keyBytes.length + value.length;
      if (used + need > chunk.length) flush();
      used = chunk.writeUInt32BE(keyBytes.length, used);
      used += keyBytes.copy(chunk, used);
      used = chunk.writeUInt32BE(value.length, used);
      used += value.copy(chunk, used);
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return counts;
}
