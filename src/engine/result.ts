/**
 * What the CLI does to a finished RunResult before formatting it: drop suppressed findings, and
 * resolve the symlinks in the paths that SARIF and GitHub annotations make repository-relative.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import type { Finding, RunResult } from "./types.js";

/**
 * The findings no in-source directive suppressed. The engine keeps suppressed findings (marked
 * `suppressed`) so that SARIF can report them; every other consumer (text, JSON, exit status,
 * counts, the editor, fixes) sees only these.
 */
export function unsuppressed(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppressed);
}

/** The run without its suppressed findings (and without the sources only they needed). */
export function withoutSuppressed(result: RunResult): RunResult {
  if (!result.findings.some((f) => f.suppressed)) return result;
  const findings = unsuppressed(result.findings);
  const keep = new Set(findings.map((f) => f.file));
  const sources = new Map([...result.sources].filter(([file]) => keep.has(file)));
  return { ...result, findings, sources };
}

/**
 * The absolute path of `p` with every symlink resolved. For a path that does not exist (the
 * `--stdin-filename` of a file not yet written), its nearest existing ancestor is resolved and
 * the rest appended.
 */
export function realPath(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync.native(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realPath(parent), path.basename(abs));
  }
}

/**
 * The run with `root` and the path of every file that has a finding or notice resolved through
 * symlinks (`realPaths`), so that repository-relative paths come out right when the checkout, the
 * working directory or an argument is reached through a symlink.
 */
export function withRealPaths(result: RunResult): RunResult {
  const realPaths = new Map<string, string>();
  for (const file of [...result.findings.map((f) => f.file), ...result.notices.map((n) => n.file)]) {
    if (file !== "" && !realPaths.has(file)) realPaths.set(file, realPath(path.resolve(result.cwd, file)));
  }
  return { ...result, root: realPath(result.root), realPaths };
}
