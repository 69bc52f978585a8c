import type { LogEntry } from '../../../../src/logs/model.js';

/** 2023-11-14T22:13:20Z, in ns: every fixture time is an offset from here. */
export const T0 = 1_700_000_000_000_000_000n;
export const SEC = 1_000_000_000n;
export const T0_SECONDS = 1_700_000_000;

/**
 * orders: one line every 10 s from T0 to T0+290 s (30 lines); every third is `error`, the rest
 * `info`; the JSON line has `i` and `status` (500 for even i).
 * users: one logfmt line every 20 s from T0+5 s to T0+285 s (15 lines), all `info`.
 */
export function fixtureEntries(): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = 0; i < 30; i++) {
    out.push({
      timestampNs: T0 + BigInt(i * 10) * SEC,
      labels: { service: 'orders', level: i % 3 === 0 ? 'error' : 'info' },
      line: JSON.stringify({ i, status: i % 2 === 0 ? 500 : 200 }),
    });
  }
  for (let i = 0; i < 15; i++) {
    out.push({
      timestampNs: T0 + BigInt(5 + i * 20) * SEC,
      labels: { service: 'users', level: 'info' },
      line: `msg="user login" user=u${i}`,
    });
  }
  return out;
}
