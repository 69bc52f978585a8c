// A consumer-group member spoken over the wire with Sluice's own codec (WireClient), plus the
// read-only views tests compare before and after a request: DescribeGroups and OffsetFetch.

import {
  DescribeGroups,
  ErrorCode,
  errorName,
  Heartbeat,
  JoinGroup,
  LeaveGroup,
  OffsetCommit,
  OffsetFetch,
  type ResponseOf,
  SyncGroup,
  Writer,
} from '../../../src/protocol/index.js';
import { WireClient } from '../../helpers/wire-client.js';

/** ConsumerProtocolSubscription v0: the topics a "consumer" member subscribes to. */
export function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new Writer(64);
  w.int16(0);
  w.int32(topics.length);
  for (const t of topics) {
    const b = Buffer.from(t);
    w.int16(b.length);
    w.raw(b);
  }
  w.int32(-1); // user data: null
  return w.toBuffer();
}

/** ConsumerProtocolAssignment v0. */
export function encodeAssignment(partitions: Record<string, number[]>): Buffer {
  const w = new Writer(64);
  w.int16(0);
  const entries = Object.entries(partitions);
  w.int32(entries.length);
  for (const [topic, list] of entries) {
    const b = Buffer.from(topic);
    w.int16(b.length);
    w.raw(b);
    w.int32(list.length);
    for (const p of list) w.int32(p);
  }
  w.int32(-1);
  return w.toBuffer();
}

export interface CommitPart {
  topic: string;
  partition: number;
  offset: number;
  metadata?: string | null;
}

/** One member on its own connection (a JoinGroup parks the connection until the rebalance ends). */
export class WireMember {
  memberId = '';
  generationId = -1;
  leader = '';
  lastJoin?: ResponseOf<typeof JoinGroup>;

  private constructor(
    readonly client: WireClient,
    readonly groupId: string,
    readonly topics: string[],
    readonly groupInstanceId: string | null,
    readonly sessionTimeoutMs: number,
  ) {}

  static async connect(
    port: number,
    groupId: string,
    topics: string[],
    opts: { groupInstanceId?: string; sessionTimeoutMs?: number } = {},
  ): Promise<WireMember> {
    const client = await WireClient.connect(port);
    return new WireMember(
      client,
      groupId,
      topics,
      opts.groupInstanceId ?? null,
      opts.sessionTimeoutMs ?? 30_000,
    );
  }

  /** JoinGroup v5, answering MEMBER_ID_REQUIRED; resolves when the join phase ends. */
  async join(timeoutMs = 30_000): Promise<ResponseOf<typeof JoinGroup>> {
    for (;;) {
      const res = await this.client.request(
        JoinGroup,
        5,
        {
          groupId: this.groupId,
          sessionTimeoutMs: this.sessionTimeoutMs,
          rebalanceTimeoutMs: 30_000,
          memberId: this.memberId,
          groupInstanceId: this.groupInstanceId,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: encodeSubscription(this.topics) }],
        },
        timeoutMs,
      );
      this.lastJoin = res;
      if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = res.memberId;
        continue;
      }
      if (res.errorCode !== ErrorCode.NONE) return res;
      this.memberId = res.memberId;
      this.generationId = res.generationId;
      this.leader = res.leader;
      return res;
    }
  }

  get isLeader(): boolean {
    return this.leader === this.memberId;
  }

  /** SyncGroup v3; a leader hands out what it is given (default: everything to itself). */
  async sync(
    assignments?: { memberId: string; assignment: Buffer }[],
  ): Promise<ResponseOf<typeof SyncGroup>> {
    const given =
      assignments ??
      (this.isLeader
        ? [
            {
              memberId: this.memberId,
              assignment: encodeAssignment(Object.fromEntries(this.topics.map((t) => [t, [0]]))),
            },
          ]
        : []);
    return this.client.request(SyncGroup, 3, {
      groupId: this.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.groupInstanceId,
      assignments: given,
    });
  }

  /** Join then sync, expecting both to succeed. */
  async joinAndSync(): Promise<void> {
    const j = await this.join();
    if (j.errorCode !== ErrorCode.NONE) throw new Error(`JoinGroup: ${errorName(j.errorCode)}`);
    const s = await this.sync();
    if (s.errorCode !== ErrorCode.NONE) throw new Error(`SyncGroup: ${errorName(s.errorCode)}`);
  }

  async heartbeat(): Promise<number> {
    const res = await this.client.request(Heartbeat, 3, {
      groupId: this.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.groupInstanceId,
    });
    return res.errorCode;
  }

  /** OffsetCommit v8 as this member; `as` overrides the identity (to commit as someone else). */
  commit(
    parts: CommitPart[],
    as: Partial<{ memberId: string; generationId: number; groupInstanceId: string | null }> = {},
  ): Promise<ResponseOf<typeof OffsetCommit>> {
    return commitOffsets(this.client, this.groupId, parts, {
      memberId: this.memberId,
      generationId: this.generationId,
      groupInstanceId: this.groupInstanceId,
      ...as,
    });
  }

  async leave(): Promise<number> {
    const res = await this.client.request(LeaveGroup, 3, {
      groupId: this.groupId,
      members: [{ memberId: this.memberId, groupInstanceId: this.groupInstanceId }],
    });
    return res.members[0]?.errorCode ?? res.errorCode;
  }

  close(): void {
    this.client.close();
  }
}

export function commitOffsets(
  client: WireClient,
  groupId: string,
  parts: CommitPart[],
  who: { memberId: string; generationId: number; groupInstanceId: string | null } = {
    memberId: '',
    generationId: -1,
    groupInstanceId: null,
  },
  version = 8,
): Promise<ResponseOf<typeof OffsetCommit>> {
  const byTopic = new Map<string, CommitPart[]>();
  for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  return client.request(OffsetCommit, version, {
    groupId,
    generationIdOrMemberEpoch: who.generationId,
    memberId: who.memberId,
    groupInstanceId: who.groupInstanceId,
    topics: [...byTopic].map(([name, list]) => ({
      name,
      partitions: list.map((p) => ({
        partitionIndex: p.partition,
        committedOffset: p.offset,
        committedLeaderEpoch: -1,
        committedMetadata: p.metadata ?? '',
      })),
    })),
  });
}

/** Per-partition error codes of an OffsetCommit response, as "topic/partition" → code name. */
export function commitErrors(res: ResponseOf<typeof OffsetCommit>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of res.topics)
    for (const p of t.partitions) out[`${t.name}/${p.partitionIndex}`] = errorName(p.errorCode);
  return out;
}

/** Every committed offset of a group (OffsetFetch v7, all topics): "topic/partition" → offset. */
export async function committedOffsets(client: WireClient, groupId: string): Promise<Record<string, number>> {
  const res = await client.request(OffsetFetch, 7, { groupId, topics: null, requireStable: false });
  if (res.errorCode !== ErrorCode.NONE) throw new Error(`OffsetFetch: ${errorName(res.errorCode)}`);
  const out: Record<string, number> = {};
  for (const t of res.topics)
    for (const p of t.partitions) out[`${t.name}/${p.partitionIndex}`] = p.committedOffset;
  return out;
}

export type DescribedGroup = ResponseOf<typeof DescribeGroups>['groups'][number];

export async function describeGroup(client: WireClient, groupId: string): Promise<DescribedGroup> {
  const res = await client.request(DescribeGroups, 5, {
    groups: [groupId],
    includeAuthorizedOperations: false,
  });
  return res.groups[0];
}

/** What DescribeGroups and OffsetFetch say about a group, in a form deepEqual can compare. */
export async function groupSnapshot(client: WireClient, groupId: string) {
  const g = await describeGroup(client, groupId);
  return {
    errorCode: g.errorCode,
    state: g.groupState,
    protocolType: g.protocolType,
    protocol: g.protocolData,
    members: g.members
      .map((m) => ({
        memberId: m.memberId,
        instance: m.groupInstanceId,
        assignment: m.memberAssignment.toString('hex'),
      }))
      .sort((a, b) => a.memberId.localeCompare(b.memberId)),
    offsets: await committedOffsets(client, groupId),
  };
}
