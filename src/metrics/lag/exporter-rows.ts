// The values of kafka_exporter's metrics (and lag in seconds) from one cluster snapshot, with its
// semantics: every topic the cluster reports; for each group, every partition of each topic it has
// committed to, where a partition without a commit shows offset -1 and lag -1 (the lag sum leaves
// it out, the offset sum does not, as in kafka_exporter).

import type { ClusterSnapshot } from './cluster-snapshot.js';
import type { RecordLocation } from './record-timestamps.js';

export type Labels = Record<string, string>;
export type Row = [Labels, number];

export interface ExporterRows {
  brokers: number;
  topicPartitions: Row[];
  topicCurrentOffset: Row[];
  topicOldestOffset: Row[];
  groupMembers: Row[];
  groupCurrentOffset: Row[];
  groupCurrentOffsetSum: Row[];
  groupLag: Row[];
  groupLagSum: Row[];
  groupLagSeconds: Row[];
}

/** One committed partition of a group, as the rows and lag in seconds see it. */
export interface GroupPartition {
  group: string;
  topic: string;
  partition: number;
  /** -1 when the group has no offset for it. */
  committed: number;
  /** Undefined when the partition's newest offset is not known. */
  lag: number | undefined;
}

/** Each group's partitions that kafka_exporter reports, in a stable order. */
export function groupPartitions(snapshot: ClusterSnapshot): GroupPartition[] {
  const out: GroupPartition[] = [];
  for (const [group, offsets] of snapshot.groups) {
    for (const [topic, committed] of [...offsets.committed].sort(([a], [b]) => a.localeCompare(b))) {
      const described = snapshot.topics.get(topic);
      if (!described) continue;
      if (![...committed.values()].some((o) => o !== -1)) continue;
      for (let partition = 0; partition < described.leaders.length; partition++) {
        const offset = committed.get(partition) ?? -1;
        const newest = described.newest[partition];
        const lag = newest === undefined ? undefined : offset === -1 ? -1 : newest - offset;
        out.push({ group, topic, partition, committed: offset, lag });
      }
    }
  }
  return out;
}

/** The record whose timestamp gives a lagging partition's lag in seconds: the oldest unconsumed. */
export function oldestUnconsumed(snapshot: ClusterSnapshot, p: GroupPartition): RecordLocation | undefined {
  if (p.committed < 0 || p.lag === undefined || p.lag <= 0) return undefined;
  const topic = snapshot.topics.get(p.topic)!;
  const leader = topic.leaders[p.partition];
  if (leader < 0) return undefined;
  // Below the log start (retention deleted what the group did not read): the first record left.
  const offset = Math.max(p.committed, topic.oldest[p.partition] ?? 0);
  return { topic: p.topic, topicId: topic.id, partition: p.partition, leader, offset };
}

export function exporterRows(
  snapshot: ClusterSnapshot,
  timestampOf: (location: RecordLocation) => number | undefined,
  nowMs: number,
): ExporterRows {
  const rows: ExporterRows = {
    brokers: snapshot.brokers,
    topicPartitions: [],
    topicCurrentOffset: [],
    topicOldestOffset: [],
    groupMembers: [],
    groupCurrentOffset: [],
    groupCurrentOffsetSum: [],
    groupLag: [],
    groupLagSum: [],
    groupLagSeconds: [],
  };
  for (const [topic, t] of snapshot.topics) {
    rows.topicPartitions.push([{ topic }, t.leaders.length]);
    for (let p = 0; p < t.leaders.length; p++) {
      const partition = String(p);
      if (t.newest[p] !== undefined) rows.topicCurrentOffset.push([{ topic, partition }, t.newest[p]]);
      if (t.oldest[p] !== undefined) rows.topicOldestOffset.push([{ topic, partition }, t.oldest[p]]);
    }
  }
  for (const [consumergroup, g] of snapshot.groups) {
    if (g.members !== undefined) rows.groupMembers.push([{ consumergroup }, g.members]);
  }
  const sums = new Map<string, { labels: Labels; offsets: number; lag: number }>();
  for (const p of groupPartitions(snapshot)) {
    const labels = { consumergroup: p.group, topic: p.topic, partition: String(p.partition) };
    const key = `${p.group}\0${p.topic}`;
    const sum = sums.get(key) ?? { labels: { consumergroup: p.group, topic: p.topic }, offsets: 0, lag: 0 };
    sums.set(key, sum);
    sum.offsets += p.committed;
    rows.groupCurrentOffset.push([labels, p.committed]);
    if (p.lag === undefined) continue;
    rows.groupLag.push([labels, p.lag]);
    if (p.committed !== -1) sum.lag += p.lag;
    if (p.committed === -1) continue;
    if (p.lag <= 0) {
      rows.groupLagSeconds.push([labels, 0]);
      continue;
    }
    const location = oldestUnconsumed(snapshot, p);
    const ts = location && timestampOf(location);
    if (ts !== undefined) rows.groupLagSeconds.push([labels, Math.max(0, nowMs - ts) / 1000]);
  }
  for (const { labels, offsets, lag } of sums.values()) {
    rows.groupCurrentOffsetSum.push([labels, offsets]);
    rows.groupLagSum.push([labels, lag]);
  }
  return rows;
}
