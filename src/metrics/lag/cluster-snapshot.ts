// One look at the cluster over the Kafka protocol, with what kafka_exporter reads for a scrape:
// brokers and topics (Metadata), the oldest and newest offset of every partition (ListOffsets),
// the groups (ListGroups), their members (DescribeGroups) and committed offsets (OffsetFetch).

import { type Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import { type ClusterClient, describeGroups } from '../../client/index.js';
import type { ClusterWire } from './cluster-wire.js';

export interface TopicOffsets {
  /** Topic id from Metadata, needed by Fetch v13+. */
  id: string;
  /** Partition leaders' node ids, by partition. */
  leaders: number[];
  oldest: number[];
  newest: number[];
}

export interface GroupOffsets {
  state: string;
  /** Undefined when DescribeGroups failed for this group. */
  members: number | undefined;
  /** Committed offsets by topic, then partition; only partitions with an offset. */
  committed: Map<string, Map<number, number>>;
  /** Host of the member each partition is assigned to, keyed `topic:partition`. */
  owners: Map<string, string>;
}

export interface ClusterSnapshot {
  takenAt: number;
  brokers: number;
  topics: Map<string, TopicOffsets>;
  groups: Map<string, GroupOffsets>;
}

async function readTopics(wire: ClusterWire): Promise<Pick<ClusterSnapshot, 'brokers' | 'topics'>> {
  // kafka_exporter lists every topic the cluster reports, internal ones included.
  const layout = await wire.layout(null);
  const names = [...layout.topics.keys()].sort();
  const [oldest, newest] = await Promise.all([
    wire.listOffsets(layout, names, ListOffsetTimestamps.EARLIEST),
    wire.listOffsets(layout, names, ListOffsetTimestamps.LATEST),
  ]);
  const topics = new Map<string, TopicOffsets>();
  for (const name of names) {
    const { id, leaders } = layout.topics.get(name)!;
    topics.set(name, { id, leaders, oldest: oldest.get(name) ?? [], newest: newest.get(name) ?? [] });
  }
  return { brokers: layout.brokers.size, topics };
}

async function readGroups(admin: Admin, client: ClusterClient): Promise<Map<string, GroupOffsets>> {
  const listed = await admin.listGroups();
  const groups = new Map<string, GroupOffsets>();
  if (listed.size === 0) return groups;
  const ids = [...listed.keys()].sort();
  for (const id of ids) {
    groups.set(id, {
      state: String(listed.get(id)!.state),
      members: undefined,
      committed: new Map(),
      owners: new Map(),
    });
  }
  const [described, offsets] = await Promise.allSettled([
    // Described with Sluice's codec: the library's parser throws on assignments whose user data
    // is null (int32 -1, as the Java client and franz-go send it), from inside a socket callback.
    describeGroups(client, ids),
    admin.listConsumerGroupOffsets({ groups: ids }),
  ]);
  if (described.status === 'fulfilled') {
    for (const [id, group] of described.value) {
      const entry = groups.get(id);
      if (!entry) continue;
      if (group.error) continue;
      entry.members = group.members.length;
      for (const member of group.members) {
        for (const { topic, partitions } of member.assignment ?? []) {
          for (const p of partitions) entry.owners.set(`${topic}:${p}`, member.clientHost);
        }
      }
    }
  }
  if (offsets.status === 'rejected') throw offsets.reason;
  for (const { groupId, topics } of offsets.value) {
    const entry = groups.get(groupId);
    if (!entry) continue;
    for (const { name, partitions } of topics) {
      const byPartition = new Map<number, number>();
      for (const p of partitions) byPartition.set(p.partitionIndex, Number(p.committedOffset));
      entry.committed.set(name, byPartition);
    }
  }
  if (described.status === 'rejected') throw described.reason;
  return groups;
}

/** Reads the whole picture; rejects if any part failed (the caller keeps the previous one). */
export async function takeSnapshot(
  admin: Admin,
  wire: ClusterWire,
  client: ClusterClient,
): Promise<ClusterSnapshot> {
  const takenAt = Date.now();
  const [topics, groups] = await Promise.all([readTopics(wire), readGroups(admin, client)]);
  return { takenAt, ...topics, groups };
}
