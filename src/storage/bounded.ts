/**
 * Runs `task` over `items` with at most `limit` in flight, and settles like Promise.allSettled
 * (in item order). Thousands of partitions opened or closed at once would exhaust file
 * descriptors and swamp the thread pool; a bound keeps the disk busy without that.
 */
export async function settleBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(items[i]) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
