// Burrow's storage of consumer offsets: per group, topic and partition, a window of the last
// `intervals` commits, each with the lag against the newest log end offset known when it arrived.

import type { PartitionInput, WindowCommit } from './burrow-rules.js';

export interface CommitWindowOptions {
  /** Commits kept per partition (Burrow's `intervals`). */
  intervals: number;
  /** Commits closer than this (ms) to the previous one replace it (Burrow's `min-distance`). */
  minDistanceMs: number;
  /** A group with no commit for this long is forgotten (Burrow's `expire-group`). */
  expireGroupMs: number;
}

interface GroupWindows {
  /** topic → partition → commits, oldest first. */
  topics: Map<string, Map<number, WindowCommit[]>>;
  lastCommit: number;
}

export interface PartitionFacts {
  /** Partition count of the topic, or undefined if the topic is not known (any more). */
  partitions(topic: string): number | undefined;
  logEnd(topic: string, partition: number): number | undefined;
  owner(group: string, topic: string, partition: number): string;
}

export class CommitWindows {
  readonly #groups = new Map<string, GroupWindows>();
  readonly #options: CommitWindowOptions;

  constructor(options: CommitWindowOptions) {
    this.#options = options;
  }

  /**
   * Adds one commit. Like Burrow, a commit for a partition whose log end is not known yet is
   * dropped: there is no lag to store with it. Returns whether it was stored.
   */
  add(
    group: string,
    topic: string,
    partition: number,
    offset: number,
    timestamp: number,
    logEnd: number | undefined,
  ): boolean {
    if (logEnd === undefined) return false;
    let windows = this.#groups.get(group);
    if (!windows) {
      windows = { topics: new Map(), lastCommit: timestamp };
      this.#groups.set(group, windows);
    }
    let partitions = windows.topics.get(topic);
    if (!partitions) {
      partitions = new Map();
      windows.topics.set(topic, partitions);
    }
    const commits = partitions.get(partition) ?? [];
    partitions.set(partition, commits);
    const last = commits[commits.length - 1];
    // A log that rewrites its live entries (Sluice's offsets log does) repeats the last commit.
    if (last && last.offset === offset && last.timestamp === timestamp) return false;
    const commit = { offset, timestamp, lag: Math.max(0, logEnd - offset) };
    if (last && timestamp - last.timestamp < this.#options.minDistanceMs) {
      // Keep the stored time, as Burrow does, so frequent commits still move the window on.
      commits[commits.length - 1] = { ...commit, timestamp: last.timestamp };
    } else {
      commits.push(commit);
      if (commits.length > this.#options.intervals) commits.shift();
    }
    windows.lastCommit = Math.max(windows.lastCommit, timestamp);
    return true;
  }

  /** A tombstone: the group's offset for this partition was deleted. */
  delete(group: string, topic: string, partition: number): void {
    const windows = this.#groups.get(group);
    const partitions = windows?.topics.get(topic);
    if (!windows || !partitions) return;
    partitions.delete(partition);
    if (partitions.size === 0) windows.topics.delete(topic);
    if (windows.topics.size === 0) this.#groups.delete(group);
  }

  /** Groups with a window, after dropping those idle past `expireGroupMs`. */
  groups(nowMs: number): string[] {
    for (const [group, windows] of this.#groups) {
      if (nowMs - windows.lastCommit > this.#options.expireGroupMs) this.#groups.delete(group);
    }
    return [...this.#groups.keys()].sort();
  }

  /**
   * The evaluator's input for a group: every partition of every topic it committed to (Burrow
   * keeps a slot for each, committed or not), with the current lag against the newest log end.
   */
  inputs(group: string, facts: PartitionFacts): PartitionInput[] | undefined {
    const windows = this.#groups.get(group);
    if (!windows) return undefined;
    const inputs: PartitionInput[] = [];
    for (const [topic, partitions] of [...windows.topics].sort(([a], [b]) => a.localeCompare(b))) {
      const count = facts.partitions(topic);
      // A deleted topic leaves the group's view, as in Burrow.
      if (count === undefined) continue;
      for (
        let partition = 0;
        partition < Math.max(count, ...[...partitions.keys()].map((p) => p + 1));
        partition++
      ) {
        const commits = partitions.get(partition) ?? [];
        const last = commits[commits.length - 1];
        const logEnd = facts.logEnd(topic, partition);
        const currentLag = last && logEnd !== undefined ? Math.max(0, logEnd - last.offset) : 0;
        inputs.push({
          topic,
          partition,
          commits: commits.map((c) => ({ ...c })),
          capacity: this.#options.intervals,
          currentLag,
          owner: facts.owner(group, topic, partition),
        });
      }
    }
    return inputs;
  }
}
