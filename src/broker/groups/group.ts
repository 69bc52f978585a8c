import type { ClockTimer } from '../../clock/index.js';
import type { ErrorCode } from '../../protocol/index.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: ErrorCode;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  skipAssignment: boolean;
}

export interface SyncResult {
  errorCode: ErrorCode;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

const EMPTY = Buffer.alloc(0);

export class Member {
  assignment: Buffer = EMPTY;
  /** Set while the member waits in JoinGroup for the rebalance to complete. */
  joinWaiter?: (result: JoinResult) => void;
  /** Set while the member waits in SyncGroup for the leader's assignment. */
  syncWaiter?: (result: SyncResult) => void;
  sessionTimer?: ClockTimer;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: Protocol[],
  ) {}

  metadataFor(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
  }

  /** Same protocols, in the same order, with the same metadata: a rejoin that changes nothing. */
  sameProtocols(protocols: readonly Protocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata),
      )
    );
  }
}

/** A classic consumer group's state; the coordinator drives its transitions. */
export class Group {
  state: GroupState = 'Empty';
  /** When the group entered its state (offset expiry counts from when it emptied). */
  stateSince: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id → member id, for static membership. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED (KIP-394), awaiting the rejoin; value: expiry timer. */
  readonly pendingMembers = new Map<string, ClockTimer>();
  /** Bounds the current phase: the join round, or the sync round after it. */
  rebalanceTimer?: ClockTimer;
  /** True while a first join round waits out group.initial.rebalance.delay.ms. */
  initialDelay = false;
  /** Members that have not sent SyncGroup since the last join round completed. */
  pendingSync = new Set<string>();

  constructor(
    readonly groupId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.stateSince = now();
  }

  transition(state: GroupState): void {
    this.state = state;
    this.stateSince = this.now();
  }

  /** A new member may join if its protocol type matches and it shares a protocol with every member. */
  supports(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (protocols.length === 0 || protocolType === '') return false;
    if (this.members.size === 0) return true;
    if (this.protocolType !== protocolType) return false;
    return protocols.some((p) => this.candidates().has(p.name));
  }

  /** Protocols every current member supports. */
  private candidates(): Set<string> {
    let common: Set<string> | undefined;
    for (const member of this.members.values()) {
      const names = new Set(member.protocols.map((p) => p.name));
      common = common ? new Set([...common].filter((n) => names.has(n))) : names;
    }
    return common ?? new Set();
  }

  /** Each member votes for its most preferred common protocol; the most votes wins (ties: first seen). */
  selectProtocol(): string {
    const candidates = this.candidates();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (!member.joinWaiter) return false;
    return true;
  }

  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  currentMemberList(): JoinResult['members'] {
    const name = this.protocolName ?? '';
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(name),
    }));
  }
}
