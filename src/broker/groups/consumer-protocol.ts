import { Reader } from '../../protocol/index.js';

/**
 * Reads the topics out of a "consumer" protocol subscription (ConsumerProtocolSubscription:
 * int16 version, then an array of topic names). Other protocol types carry opaque metadata.
 */
export function subscribedTopics(metadata: Buffer): string[] {
  try {
    const r = new Reader(metadata);
    r.int16();
    const count = r.int32();
    const topics: string[] = [];
    for (let i = 0; i < count; i++) topics.push(r.utf8(r.int16()));
    return topics;
  } catch {
    return [];
  }
}
