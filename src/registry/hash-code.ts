// The registry's hash code as Eureka computes it (Applications.getReconcileHashCode): the count of
// instances of each status, statuses in sorted order, written STATUS_count_ and joined, e.g.
// DOWN_1_UP_3_. A client applies a delta, computes this over what it holds, and fetches the whole
// registry when it differs from the delta's. Shared by the server and the Node client.

export function reconcileHashCode(statuses: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  // Java's TreeMap of strings: UTF-16 code unit order, which is what < on JS strings compares.
  return [...counts.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((s) => `${s}_${counts.get(s)}_`)
    .join('');
}
