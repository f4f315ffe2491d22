/**
 * How far V8 lets a heap grow past what is live before its next full collection. By default V8
 * raises the limit to up to 4× the live size when collecting is cheap. On the 81 MB synthetic
 * tree at `-j 1`, linted in the main thread (whose heap Node caps only from its command line,
 * unlike the workers'), ~48 MB live grew to ~166 MB used, and the process peaked at 290–343 MB
 * of RSS, over the 300 MB target. At 1.5× it peaked at 248–278 MB in the same time (3 interleaved
 * rounds each; docs/performance.md). V8 reads the flag each time it sets the next limit, so
 * setting it after start-up takes effect.
 */
import v8 from "node:v8";

export const HEAP_GROWING = "--heap-growing-percent=50";

/** Bounds heap growth for the rest of the process (the worker threads' heaps included). */
export function boundHeapGrowth(): void {
  v8.setFlagsFromString(HEAP_GROWING);
}
