// Shared by the config administration tests: the protocol constants they speak in and the broker
// they run against (started with a retention.bytes default other than Kafka's, and a short
// retention check so that changed retention shows quickly).
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';

export const TOPIC = 2;
export const BROKER = 4;
export const BROKER_LOGGER = 8;
export const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3] as const;
export const SOURCE = { TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 };
export const TYPE = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 };
/** Started with a retention.bytes default other than Kafka's, to see STATIC_BROKER_CONFIG. */
export const BROKER_RETENTION_BYTES = 1 << 30;

/** The broker the config tests share, with a wire client connected to it. */
export async function startConfigsBroker(): Promise<{ broker: TestBroker; client: WireClient }> {
  const broker = await startTestBroker({
    autoCreateTopics: false,
    retentionCheckIntervalMs: 100,
    topicDefaults: { retentionBytes: BROKER_RETENTION_BYTES },
  });
  const client = await WireClient.connect(broker.port);
  return { broker, client };
}
