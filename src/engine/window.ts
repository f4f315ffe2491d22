/**
 * Runs `work` on each item, starting them in order, with at most `limit` unfinished at a time.
 * Resolves when all have finished; rejects with the first failure (items not started by then are
 * not started).
 */
export async function inWindow<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
