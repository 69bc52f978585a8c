/**
 * Decides which of many repeats of the same failure get logged: the first of each kind, then
 * at most one per interval, carrying how many were held back since. A full disk rejects every
 * produce; logging each with a stack trace would fill the other disks with the same line.
 */
export class RepeatThrottle {
  private readonly kinds = new Map<string, { until: number; suppressed: number }>();

  constructor(
    readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Undefined: stay quiet. A number: log now, mentioning that many suppressed repeats. */
  admit(kind: string): number | undefined {
    const t = this.now();
    const seen = this.kinds.get(kind);
    if (seen && t < seen.until) {
      seen.suppressed++;
      return undefined;
    }
    this.kinds.set(kind, { until: t + this.intervalMs, suppressed: 0 });
    return seen?.suppressed ?? 0;
  }
}
