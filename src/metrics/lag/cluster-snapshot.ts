// One look at the cluster over the Kafka protocol, with what kafka_exporter reads for a scrape:
// brokers and topics (Metadata), the oldest and newest offset of every partition (ListOffsets),
// the groups (ListGroups), their members (DescribeGroups) and committed offsets (OffsetFetch).

import { type KafkaAdmin, readOffsets } from '../../client/index.js';

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

/** Offsets by partition as a dense array (partitions without one are left empty). */
function byPartition(offsets: Map<number, bigint> | undefined): number[] {
  const out: number[] = [];
  for (const [p, offset] of offsets ?? []) out[p] = Number(offset);
  return out;
}

async function readTopics(admin: KafkaAdmin): Promise<Pick<ClusterSnapshot, 'brokers' | 'topics'>> {
  // kafka_exporter lists every topic the cluster reports, internal ones included.
  const layout = await admin.layout(null);
  const names = [...layout.topics.keys()].sort();
  const all = new Map(names.map((n) => [n, undefined]));
  const [oldest, newest] = await Promise.all([
    readOffsets(admin.wire, layout, all, 'earliest'),
    readOffsets(admin.wire, layout, all, 'latest'),
  ]);
  const topics = new Map<string, TopicOffsets>();
  for (const name of names) {
    const { id, partitions } = layout.topics.get(name)!;
    topics.set(name, {
      id,
      leaders: partitions.map((p) => p.leader),
      oldest: byPartition(oldest.get(name)),
      newest: byPartition(newest.get(name)),
    });
  }
  return { brokers: layout.brokers.size, topics };
}

async function readGroups(admin: KafkaAdmin): Promise<Map<string, GroupOffsets>> {
  const listed = await admin.listGroups();
  const groups = new Map<string, GroupOffsets>();
  if (listed.length === 0) return groups;
  const ids = listed.map((g) => g.groupId);
  for (const { groupId, state } of listed) {
    groups.set(groupId, { state, members: undefined, committed: new Map(), owners: new Map() });
  }
  const [described, offsets] = await Promise.allSettled([
    admin.describeGroups(ids),
    admin.committedOffsets(ids),
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
  for (const [groupId, table] of offsets.value) {
    const entry = groups.get(groupId);
    if (!entry) continue;
    for (const [topic, committed] of table) {
      entry.committed.set(topic, new Map([...committed].map(([p, offset]) => [p, Number(offset)])));
    }
  }
  if (described.status === 'rejected') throw described.reason;
  return groups;
}

/** Reads the whole picture; rejects if any part failed (the caller keeps the previous one). */
export async function takeSnapshot(admin: KafkaAdmin): Promise<ClusterSnapshot> {
  const takenAt = Date.now();
  const [topics, groups] = await Promise.all([readTopics(admin), readGroups(admin)]);
  return { takenAt, ...topics, groups };
}
