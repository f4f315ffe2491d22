/**
 * Runs `work` on each item, starting them in order, with at most `limit` unfinished at a time (a
 * limit that is not a positive whole number counts as 1).
 * Resolves when all have finished. After a failure no more items are started; once those already
 * started have finished, it rejects with the first failure (so nothing still runs when the
 * caller cleans up).
 */
export async function inWindow<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const lanes = Math.min(items.length, Number.isInteger(limit) && limit > 0 ? limit : 1);
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure) throw failure.error;
}
