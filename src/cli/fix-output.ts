/**
 * What the CLI prints about `--fix` and `--fix-dry-run`, apart from the report: the dry run's
 * unified diff, a one-line summary, and whether a fix could not be written. Pure.
 */
import type { FixRequest } from "../engine/autofix.js";
import type { RunOutcome } from "../engine/run.js";

/** The flags' meaning, from `--fix`, `--fix-unsafe` and `--fix-dry-run`. */
export function fixRequestOf(flags: { fix: boolean; unsafe: boolean; dryRun: boolean }, root: string): FixRequest | undefined {
  if (!flags.fix && !flags.unsafe && !flags.dryRun) return undefined;
  return { mode: flags.unsafe ? "unsafe" : "safe", dryRun: flags.dryRun, root };
}

/** The dry run's diffs of every file, in run order (empty when nothing would change). */
export function dryRunDiff(fixes: RunOutcome["fixes"]): string {
  return fixes.map((f) => f.summary.diff ?? "").join("");
}

/**
 * `deploylint: fixed 3 problems in 2 files`, or for a dry run `deploylint: --fix-dry-run: 3
 * problems in 2 files would be fixed; nothing was written`; undefined when there was nothing to fix.
 */
export function fixSummaryLine(fixes: RunOutcome["fixes"], dryRun: boolean): string | undefined {
  const done = fixes.filter((f) => f.summary.applied > 0);
  if (done.length === 0) return dryRun ? "deploylint: --fix-dry-run: nothing to fix\n" : undefined;
  const n = done.reduce((sum, f) => sum + f.summary.applied, 0);
  const what = `${n} problem${n === 1 ? "" : "s"} in ${done.length} file${done.length === 1 ? "" : "s"}`;
  return dryRun ? `deploylint: --fix-dry-run: ${what} would be fixed; nothing was written\n` : `deploylint: fixed ${what}\n`;
}

/** Files whose fixes could not be written: the run fails (exit 2), as an unreadable argument does. */
export function fixFailures(fixes: RunOutcome["fixes"]): string[] {
  return fixes.filter((f) => f.summary.failed !== undefined).map((f) => f.file);
}
