// `sluice groups describe GROUP`: the group's state, its members and what each was assigned, and
// per partition the committed offset, the log end offset and the lag, laid out as
// kafka-consumer-groups.sh --describe (--state, --members --verbose, and offsets) prints them.

import type { KafkaAdmin } from '../../client/index.js';
import { CliError } from '../errors.js';
import { formatTable, MISSING } from '../table.js';
import {
  committedOffsets,
  coordinatorOf,
  describeGroup,
  type GroupDescription,
  listOffsets,
  type MemberDescription,
  type OffsetTable,
  partitionCountIfExists,
  type TopicPartitions,
} from './group-admin.js';

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance']);

interface OffsetRow {
  topic: string;
  partition: number;
  committed: bigint | undefined;
  logEnd: bigint | undefined;
  owner: MemberDescription | undefined;
}

const text = (value: bigint | number | string | undefined) => (value === undefined ? MISSING : String(value));
const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** "orders(0,1,2), audit(0)" as kafka-consumer-groups.sh --members --verbose prints an assignment. */
export function formatAssignment(assignment: readonly TopicPartitions[]): string {
  const parts = assignment.map((a) => `${a.topic}(${a.partitions.join(',')})`);
  return parts.length > 0 ? parts.join(', ') : MISSING;
}

/** One row per partition that has a committed offset or an owner, with the log end offsets. */
async function offsetRows(
  admin: KafkaAdmin,
  group: GroupDescription,
  committed: OffsetTable,
): Promise<OffsetRow[]> {
  const owners = new Map<string, MemberDescription>();
  const partitions = new Map<string, Set<number>>();
  const add = (topic: string, partition: number) => {
    const set = partitions.get(topic) ?? new Set();
    set.add(partition);
    partitions.set(topic, set);
  };
  for (const [topic, offsets] of committed) for (const partition of offsets.keys()) add(topic, partition);
  for (const member of group.members) {
    for (const { topic, partitions: assigned } of member.assignment) {
      for (const partition of assigned) {
        owners.set(key(topic, partition), member);
        add(topic, partition);
      }
    }
  }
  // Committed offsets can outlive their topic (or a partition): those rows get no log end offset.
  const existing: TopicPartitions[] = [];
  for (const [topic, set] of partitions) {
    const count = await partitionCountIfExists(admin, topic);
    if (count !== undefined) existing.push({ topic, partitions: [...set].filter((p) => p < count) });
  }
  const logEnd = await listOffsets(admin, existing, 'latest');
  const rows: OffsetRow[] = [];
  for (const [topic, set] of partitions) {
    for (const partition of set) {
      rows.push({
        topic,
        partition,
        committed: committed.get(topic)?.get(partition),
        logEnd: logEnd.get(topic)?.get(partition),
        owner: owners.get(key(topic, partition)),
      });
    }
  }
  return rows.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

function offsetsTable(group: GroupDescription, rows: readonly OffsetRow[]): string {
  const header = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG'];
  const consumer = (m: MemberDescription | undefined) => [text(m?.id), text(m?.host), text(m?.clientId)];
  const cells = rows.map((r) => {
    const lag = r.committed !== undefined && r.logEnd !== undefined ? r.logEnd - r.committed : undefined;
    return [
      group.id,
      r.topic,
      String(r.partition),
      text(r.committed),
      text(r.logEnd),
      text(lag),
      ...consumer(r.owner),
    ];
  });
  // Members that were assigned nothing still get a row, as in Kafka's tool.
  for (const member of group.members) {
    if (member.assignment.every((a) => a.partitions.length === 0)) {
      cells.push([group.id, MISSING, MISSING, MISSING, MISSING, MISSING, ...consumer(member)]);
    }
  }
  if (cells.length === 0) return '';
  return formatTable([...header, 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], cells);
}

function membersTable(group: GroupDescription): string {
  if (group.members.length === 0) return '';
  const rows = group.members.map((m) => [
    group.id,
    m.id,
    m.host,
    m.clientId,
    String(m.assignment.reduce((n, a) => n + a.partitions.length, 0)),
    formatAssignment(m.assignment),
  ]);
  return formatTable(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'], rows);
}

export async function describeGroupCommand(
  admin: KafkaAdmin,
  groupId: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  const group = await describeGroup(admin, groupId);
  if (group.state === 'Dead') throw new CliError(`consumer group '${groupId}' does not exist`, 'NOT_FOUND');
  const [coordinator, committed] = await Promise.all([
    coordinatorOf(admin, groupId),
    committedOffsets(admin, groupId),
  ]);
  const rows = await offsetRows(admin, group, committed);
  const state = formatTable(
    ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    [[group.id, coordinator, group.protocol || MISSING, group.state, String(group.members.length)]],
  );
  const sections = [state, membersTable(group), offsetsTable(group, rows)].filter((s) => s.length > 0);
  out.write(sections.join('\n'));
  if (group.members.length === 0) err.write(`\nConsumer group '${groupId}' has no active members.\n`);
  else if (REBALANCING.has(group.state))
    err.write(`\nWarning: consumer group '${groupId}' is rebalancing.\n`);
}
