// Burrow's consumer lag evaluation (its wiki's "Consumer Lag Evaluation Rules" and its caching
// evaluator): a partition is judged over its window of recent commits, each with the lag seen at
// commit time; a group takes the worst partition status, capped at ERR.

/** Burrow's status constants, with its numbers (the index in NOTFOUND, OK, WARN, ERR, STOP, STALL, REWIND). */
export const BurrowStatus = {
  NOTFOUND: 0,
  OK: 1,
  WARN: 2,
  ERR: 3,
  STOP: 4,
  STALL: 5,
  REWIND: 6,
} as const;
export type BurrowStatusName = keyof typeof BurrowStatus;
export const STATUS_NAMES: readonly BurrowStatusName[] = [
  'NOTFOUND',
  'OK',
  'WARN',
  'ERR',
  'STOP',
  'STALL',
  'REWIND',
];

/** One commit in a window: the committed offset, its commit time (ms) and the lag when it was seen. */
export interface WindowCommit {
  offset: number;
  timestamp: number;
  lag: number;
}

export interface PartitionInput {
  topic: string;
  partition: number;
  /** The window, oldest first; `capacity` slots of which the oldest may still be empty. */
  commits: readonly WindowCommit[];
  capacity: number;
  /** Log end offset minus the last committed offset, 0 if negative. */
  currentLag: number;
  owner: string;
}

export interface PartitionStatus {
  topic: string;
  partition: number;
  owner: string;
  status: BurrowStatusName;
  start: WindowCommit | null;
  end: WindowCommit | null;
  current_lag: number;
  complete: number;
}

export interface GroupStatus {
  cluster: string;
  group: string;
  status: BurrowStatusName;
  complete: number;
  partitions: PartitionStatus[];
  partition_count: number;
  maxlag: PartitionStatus | null;
  totallag: number;
}

/** The rules in Burrow's order, on a full or partial window (oldest first) with at least one commit. */
export function windowStatus(
  commits: readonly WindowCommit[],
  currentLag: number,
  nowMs: number,
): BurrowStatusName {
  // Rule 1: a window in which the lag was zero at some commit is OK, as is no lag now.
  if (currentLag === 0 || commits.some((c) => c.lag === 0)) return 'OK';
  const pairs = commits.slice(1).map((c, i) => [commits[i], c] as const);
  // Rule 2: an offset that went backwards is a rewind.
  if (pairs.some(([prev, next]) => next.offset < prev.offset)) return 'REWIND';
  // Rule 3: longer since the last commit than the window spans: the consumer stopped committing.
  const first = commits[0].timestamp;
  const last = commits[commits.length - 1].timestamp;
  if (nowMs - last > last - first) return 'STOP';
  // Rule 4: committing without moving, while lagging, is a stall.
  if (pairs.every(([prev, next]) => next.offset === prev.offset)) return 'STALL';
  // Rule 5: offsets move but the lag never shrinks: the consumer is slow.
  if (pairs.every(([prev, next]) => next.lag >= prev.lag)) return 'WARN';
  return 'OK';
}

export function partitionStatus(input: PartitionInput, nowMs: number): PartitionStatus {
  const { commits, capacity } = input;
  const base = {
    topic: input.topic,
    partition: input.partition,
    owner: input.owner,
    current_lag: input.currentLag,
  };
  // Burrow leaves `complete` at 0 for a partition it has no commits for.
  if (commits.length === 0) return { ...base, status: 'OK', start: null, end: null, complete: 0 };
  return {
    ...base,
    status: windowStatus(commits, input.currentLag, nowMs),
    start: commits[0],
    end: commits[commits.length - 1],
    complete: commits.length / capacity,
  };
}

export function groupStatus(
  cluster: string,
  group: string,
  partitions: readonly PartitionInput[],
  nowMs: number,
): GroupStatus {
  let status: BurrowStatusName = 'OK';
  let maxlag: PartitionStatus | null = null;
  let totallag = 0;
  let complete = 0;
  const evaluated = partitions.map((p) => partitionStatus(p, nowMs));
  for (const p of evaluated) {
    totallag += p.current_lag;
    // Worse statuses have higher numbers; anything past ERR (STOP, STALL, REWIND) counts as ERR.
    const rank = Math.min(BurrowStatus[p.status], BurrowStatus.ERR);
    if (rank > BurrowStatus[status]) status = STATUS_NAMES[rank];
    if (maxlag === null || p.current_lag > maxlag.current_lag) maxlag = p;
    if (p.complete === 1) complete++;
  }
  return {
    cluster,
    group,
    status,
    complete: evaluated.length === 0 ? 1 : complete / evaluated.length,
    partitions: evaluated,
    partition_count: evaluated.length,
    maxlag,
    totallag,
  };
}
