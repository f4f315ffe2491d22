/**
 * Binary search over arrays kept in ascending order of a number (offsets, mostly): what the
 * per-finding and per-command lookups use instead of scanning.
 */

/**
 * How many of `items` have a key at or below `value`: the index just past the last of them.
 * `items` must be sorted by `key`, ascending.
 */
export function countAtOrBelow<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(items[mid] as T) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
