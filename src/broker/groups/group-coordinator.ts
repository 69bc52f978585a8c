import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../clock/index.js';
import { ErrorCode } from '../../protocol/index.js';
import { Group, type JoinResult, Member, type Protocol, type SyncResult } from './group.js';

export interface GroupTimeouts {
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms: how long a first join waits for others. */
  initialRebalanceDelayMs: number;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** JoinGroup v4+ must first learn its member id (KIP-394). */
  requireKnownMemberId: boolean;
}

export interface MemberRef {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

const fail = (errorCode: ErrorCode, memberId = ''): JoinResult => ({
  errorCode,
  generationId: -1,
  protocolType: null,
  protocolName: null,
  leader: '',
  memberId,
  members: [],
  skipAssignment: false,
});

const syncFail = (errorCode: ErrorCode): SyncResult => ({
  errorCode,
  protocolType: null,
  protocolName: null,
  assignment: Buffer.alloc(0),
});

/**
 * The classic group protocol: Empty → PreparingRebalance → CompletingRebalance → Stable, with
 * session expiry, rebalance timeouts, KIP-394 member ids and static membership (KIP-345).
 * Error codes follow where Apache Kafka's coordinator returns them. Every timer goes through
 * `clock` (tests pass a manual one).
 */
export class GroupCoordinator {
  readonly groups = new Map<string, Group>();

  constructor(
    private readonly timeouts: GroupTimeouts,
    private readonly log: Logger,
    private readonly onRebalance: (groupId: string) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {}

  group(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  getOrCreate(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId, () => this.clock.now());
      this.groups.set(groupId, group);
    }
    return group;
  }

  join(req: JoinRequest): Promise<JoinResult> {
    if (req.groupId === '') return Promise.resolve(fail(ErrorCode.INVALID_GROUP_ID));
    const { minSessionTimeoutMs: min, maxSessionTimeoutMs: max } = this.timeouts;
    if (req.sessionTimeoutMs < min || req.sessionTimeoutMs > max) {
      return Promise.resolve(fail(ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const known = this.groups.get(req.groupId);
    if (req.memberId !== '' && !known)
      return Promise.resolve(fail(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    const group = known ?? this.getOrCreate(req.groupId);
    if (group.state === 'Dead') return Promise.resolve(fail(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supports(req.protocolType, req.protocols)) {
      return Promise.resolve(fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (req.memberId === '') return this.joinUnknown(group, req);
    return this.joinKnown(group, req);
  }

  private joinUnknown(group: Group, req: JoinRequest): Promise<JoinResult> {
    const newId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const oldId = group.staticMembers.get(req.groupInstanceId);
      if (oldId !== undefined && group.members.has(oldId))
        return this.replaceStatic(group, oldId, newId, req);
      return this.addAndRebalance(group, newId, req, 'new static member');
    }
    if (req.requireKnownMemberId) {
      // Hand out an id and wait for the member to come back with it; it counts as pending meanwhile.
      const timer = this.clock.setTimeout(() => {
        group.pendingMembers.delete(newId);
        this.maybeCompleteJoin(group);
      }, req.sessionTimeoutMs);
      group.pendingMembers.set(newId, timer);
      return Promise.resolve(fail(ErrorCode.MEMBER_ID_REQUIRED, newId));
    }
    return this.addAndRebalance(group, newId, req, 'new member');
  }

  private joinKnown(group: Group, req: JoinRequest): Promise<JoinResult> {
    const pending = group.pendingMembers.get(req.memberId);
    if (pending) {
      pending.cancel();
      group.pendingMembers.delete(req.memberId);
      return this.addAndRebalance(group, req.memberId, req, 'pending member rejoined');
    }
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) {
      return Promise.resolve(fail(ErrorCode.FENCED_INSTANCE_ID, req.memberId));
    }
    const member = group.members.get(req.memberId);
    if (!member) return Promise.resolve(fail(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    const unchanged = member.sameProtocols(req.protocols);
    if (group.state === 'CompletingRebalance' && unchanged)
      return Promise.resolve(this.currentGeneration(group, member));
    if (group.state === 'Stable' && unchanged && group.leaderId !== member.memberId) {
      return Promise.resolve(this.currentGeneration(group, member));
    }
    member.protocols = req.protocols;
    const waiting = this.waitForJoin(member);
    if (group.state !== 'PreparingRebalance')
      this.prepareRebalance(group, `member ${member.memberId} rejoined`);
    this.maybeCompleteJoin(group);
    return waiting;
  }

  private addAndRebalance(
    group: Group,
    memberId: string,
    req: JoinRequest,
    reason: string,
  ): Promise<JoinResult> {
    const member = new Member(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.sessionTimeoutMs,
      req.rebalanceTimeoutMs,
      req.protocols,
    );
    if (group.members.size === 0) group.protocolType = req.protocolType;
    group.members.set(memberId, member);
    if (req.groupInstanceId !== null) group.staticMembers.set(req.groupInstanceId, memberId);
    const waiting = this.waitForJoin(member);
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, reason);
    this.maybeCompleteJoin(group);
    return waiting;
  }

  /** A static member restarted: it takes over its old identity without a rebalance when nothing changed. */
  private replaceStatic(group: Group, oldId: string, newId: string, req: JoinRequest): Promise<JoinResult> {
    const member = group.members.get(oldId) as Member;
    member.joinWaiter?.(fail(ErrorCode.FENCED_INSTANCE_ID, oldId));
    member.syncWaiter?.(syncFail(ErrorCode.FENCED_INSTANCE_ID));
    member.joinWaiter = undefined;
    member.syncWaiter = undefined;
    group.members.delete(oldId);
    member.memberId = newId;
    group.members.set(newId, member);
    group.staticMembers.set(req.groupInstanceId as string, newId);
    if (group.leaderId === oldId) group.leaderId = newId;
    member.clientId = req.clientId;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    this.touch(group, member);
    // In CompletingRebalance the leader may already be assigning to the old id: Kafka rebalances then.
    if (group.state === 'Stable' && member.sameProtocols(req.protocols)) {
      this.log.debug(
        { group: group.groupId, instance: req.groupInstanceId },
        'static member rejoined without rebalance',
      );
      const result = this.currentGeneration(group, member);
      return Promise.resolve({ ...result, skipAssignment: group.leaderId === newId });
    }
    member.protocols = req.protocols;
    const waiting = this.waitForJoin(member);
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, 'static member changed protocols');
    this.maybeCompleteJoin(group);
    return waiting;
  }

  private currentGeneration(group: Group, member: Member): JoinResult {
    this.touch(group, member);
    const isLeader = group.leaderId === member.memberId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader ? group.currentMemberList() : [],
      skipAssignment: false,
    };
  }

  private waitForJoin(member: Member): Promise<JoinResult> {
    member.sessionTimer?.cancel(); // a waiting member is alive by definition
    member.sessionTimer = undefined;
    return new Promise((resolve) => {
      member.joinWaiter = resolve;
    });
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = Buffer.alloc(0);
        m.syncWaiter?.(syncFail(ErrorCode.REBALANCE_IN_PROGRESS));
        m.syncWaiter = undefined;
      }
    }
    const firstJoin = group.state === 'Empty';
    group.transition('PreparingRebalance');
    this.log.debug({ group: group.groupId, reason }, 'preparing rebalance');
    this.onRebalance(group.groupId);
    group.rebalanceTimer?.cancel();
    const deadline = () => {
      group.rebalanceTimer = this.clock.setTimeout(
        () => this.completeJoin(group),
        Math.max(1, group.rebalanceTimeoutMs()),
      );
    };
    if (!firstJoin) {
      deadline();
      return;
    }
    // A group's first round stays open for group.initial.rebalance.delay.ms so that members starting
    // together land in one generation; after it, the round ends as soon as every member (also
    // those still coming back with a KIP-394 member id) has joined, or at the rebalance timeout.
    group.initialDelay = true;
    group.rebalanceTimer = this.clock.setTimeout(() => {
      group.initialDelay = false;
      deadline();
      this.maybeCompleteJoin(group);
    }, this.timeouts.initialRebalanceDelayMs);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.initialDelay) return;
    if (group.members.size > 0 && !group.allMembersJoined()) return;
    this.completeJoin(group);
  }

  /** Ends the join phase: members that did not rejoin are dropped, the rest get the new generation. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    group.rebalanceTimer?.cancel();
    group.rebalanceTimer = undefined;
    group.initialDelay = false;
    // Dynamic members that did not rejoin are gone; static ones keep their place until their session ends.
    for (const member of [...group.members.values()]) {
      if (!member.joinWaiter && member.groupInstanceId === null)
        this.dropMember(group, member, 'did not rejoin in time');
    }
    group.generationId++;
    if (![...group.members.values()].some((m) => m.joinWaiter)) {
      for (const m of [...group.members.values()]) this.dropMember(group, m, 'no member rejoined');
      group.protocolName = null;
      group.leaderId = null;
      group.transition('Empty');
      return;
    }
    group.protocolName = group.selectProtocol();
    const leader = group.leaderId ? group.members.get(group.leaderId) : undefined;
    if (!leader?.joinWaiter)
      group.leaderId = [...group.members.values()].find((m) => m.joinWaiter)?.memberId ?? null;
    group.transition('CompletingRebalance');
    this.startSyncDeadline(group);
    for (const member of group.members.values()) {
      const waiter = member.joinWaiter;
      member.joinWaiter = undefined;
      waiter?.(this.currentGeneration(group, member));
    }
    this.log.debug(
      { group: group.groupId, generation: group.generationId, members: group.members.size },
      'join complete',
    );
  }

  /**
   * After a join round every member must send SyncGroup within the rebalance timeout; those
   * that do not are removed and the group rebalances (Kafka's pending-sync timeout).
   */
  private startSyncDeadline(group: Group): void {
    const generation = group.generationId;
    const pending = new Set(group.members.keys());
    group.pendingSync = pending;
    group.rebalanceTimer?.cancel();
    group.rebalanceTimer = this.clock.setTimeout(
      () => {
        // Also in Stable: a member that never synced holds partitions nobody consumes.
        const phase = group.state === 'CompletingRebalance' || group.state === 'Stable';
        if (group.generationId !== generation || !phase || pending.size === 0) return;
        for (const id of pending) {
          const member = group.members.get(id);
          if (member) this.dropMember(group, member, 'did not sync in time');
        }
        if (group.members.size === 0) {
          group.generationId++;
          group.protocolName = null;
          group.leaderId = null;
          group.transition('Empty');
        } else this.prepareRebalance(group, 'members did not sync in time');
      },
      Math.max(1, group.rebalanceTimeoutMs()),
    );
  }

  sync(
    ref: MemberRef,
    assignments: { memberId: string; assignment: Buffer }[],
    protocol: { type: string | null; name: string | null },
  ): Promise<SyncResult> {
    if (ref.groupId === '') return Promise.resolve(syncFail(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(ref.groupId);
    if (!group) return Promise.resolve(syncFail(ErrorCode.UNKNOWN_MEMBER_ID));
    const error = this.validateMember(group, ref);
    if (error !== ErrorCode.NONE) return Promise.resolve(syncFail(error));
    if (
      (protocol.type !== null && protocol.type !== group.protocolType) ||
      (protocol.name !== null && protocol.name !== group.protocolName)
    ) {
      return Promise.resolve(syncFail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.members.get(ref.memberId) as Member;
    this.touch(group, member);
    group.pendingSync.delete(member.memberId);
    if (group.pendingSync.size === 0 && group.state === 'Stable') {
      group.rebalanceTimer?.cancel();
      group.rebalanceTimer = undefined;
    }
    const ok = (m: Member): SyncResult => ({
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: m.assignment,
    });
    if (group.state === 'PreparingRebalance')
      return Promise.resolve(syncFail(ErrorCode.REBALANCE_IN_PROGRESS));
    if (group.state === 'Stable') return Promise.resolve(ok(member));
    const waiting = new Promise<SyncResult>((resolve) => {
      member.syncWaiter = resolve;
    });
    if (group.leaderId === member.memberId) {
      const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of group.members.values()) m.assignment = given.get(m.memberId) ?? Buffer.alloc(0);
      if (group.pendingSync.size === 0) {
        group.rebalanceTimer?.cancel();
        group.rebalanceTimer = undefined;
      }
      group.transition('Stable');
      for (const m of group.members.values()) {
        const waiter = m.syncWaiter;
        m.syncWaiter = undefined;
        waiter?.(ok(m));
      }
    }
    return waiting;
  }

  heartbeat(ref: MemberRef): ErrorCode {
    if (ref.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(ref.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    const error = this.validateMember(group, ref);
    if (error !== ErrorCode.NONE) return error;
    this.touch(group, group.members.get(ref.memberId) as Member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** The checks JoinGroup's followers share: fencing, membership, generation, state. */
  validateMember(group: Group, ref: MemberRef): ErrorCode {
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (ref.groupInstanceId !== null) {
      const current = group.staticMembers.get(ref.groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (current !== ref.memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!group.members.has(ref.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (ref.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  /** LeaveGroup for one member; an empty member id with an instance id leaves that static member. */
  leave(groupId: string, memberId: string, groupInstanceId: string | null): ErrorCode {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    let id = memberId;
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (memberId !== '' && memberId !== current) return ErrorCode.FENCED_INSTANCE_ID;
      id = current;
    }
    const pending = group.pendingMembers.get(id);
    if (pending) {
      pending.cancel();
      group.pendingMembers.delete(id);
      this.maybeCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = group.members.get(id);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, 'left the group');
    return ErrorCode.NONE;
  }

  /** Removes a member and rebalances whoever is left. */
  private removeMember(group: Group, member: Member, reason: string): void {
    this.dropMember(group, member, reason);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      if (group.members.size === 0) {
        group.generationId++;
        group.protocolName = null;
        group.leaderId = null;
        group.transition('Empty');
        this.onRebalance(group.groupId);
      } else this.prepareRebalance(group, `member ${member.memberId} ${reason}`);
    }
    this.maybeCompleteJoin(group);
  }

  private dropMember(group: Group, member: Member, reason: string): void {
    member.sessionTimer?.cancel();
    member.joinWaiter?.(fail(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.syncWaiter?.(syncFail(ErrorCode.UNKNOWN_MEMBER_ID));
    group.members.delete(member.memberId);
    if (
      member.groupInstanceId !== null &&
      group.staticMembers.get(member.groupInstanceId) === member.memberId
    ) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    if (group.leaderId === member.memberId) group.leaderId = null;
    this.log.debug({ group: group.groupId, member: member.memberId, reason }, 'member removed');
  }

  /** Restarts a member's session timer: silence for sessionTimeoutMs expels it. */
  touch(group: Group, member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.clock.setTimeout(() => {
      if (group.members.get(member.memberId) !== member) return;
      // A member blocked in JoinGroup or SyncGroup is alive by definition (Kafka's shouldKeepAlive).
      if (member.joinWaiter || member.syncWaiter) return this.touch(group, member);
      this.removeMember(group, member, 'session timed out');
    }, member.sessionTimeoutMs);
  }

  /** Forgets a group entirely (DeleteGroups); the caller checked it is empty. */
  delete(groupId: string): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    group.rebalanceTimer?.cancel();
    group.transition('Dead');
    this.groups.delete(groupId);
  }

  close(): void {
    for (const group of this.groups.values()) {
      group.rebalanceTimer?.cancel();
      for (const t of group.pendingMembers.values()) t.cancel();
      for (const m of group.members.values()) m.sessionTimer?.cancel();
    }
  }
}
