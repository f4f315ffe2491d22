/**
 * Repository-relative paths, for the formats that a code host resolves against the repository:
 * SARIF (`%SRCROOT%`-relative URIs) and GitHub workflow annotations (`file=`). Pure: the CLI
 * resolves symlinks beforehand (`RunResult.realPaths`, a real `root`).
 */
import path from "node:path";
import type { RunResult } from "../engine/types.js";

export interface RootRelative {
  /** The file's absolute path (real, when the run resolved symlinks). */
  absolute: string;
  /** Relative to the root with `/` separators; undefined when the file is outside the root. */
  relative: string | undefined;
}

/**
 * Where a file (as named in a finding: relative to `cwd`) is relative to `root`. `real`, when
 * known, is its absolute path with symlinks resolved, and is used instead of resolving `file`.
 */
export function rootRelative(file: string, cwd: string, root: string, real?: string): RootRelative {
  const absolute = real ?? path.resolve(cwd, file);
  const relative = path.relative(root, absolute);
  if (relative === "" || relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return { absolute, relative: undefined };
  }
  return { absolute, relative: relative.split(path.sep).join("/") };
}

/** `rootRelative` for a file of a run, using the run's resolved paths. */
export function runRelative(run: RunResult, file: string): RootRelative {
  return rootRelative(file, run.cwd, run.root, run.realPaths?.get(file));
}
