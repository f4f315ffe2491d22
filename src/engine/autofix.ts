/**
 * `--fix`, `--fix-unsafe`, `--fix-dry-run`: fix a file, re-lint it, repeat until nothing changes
 * (at most `MAX_PASSES` times, as ESLint does), then write it once, atomically, keeping its mode,
 * line endings and BOM. The findings that remain are what the run reports.
 *
 * The loop does not know which Linter lints the file: it takes a `lint(text)` callback, so a file
 * is always re-linted with its own rule selection and configuration, in whichever thread (main or
 * worker) linted it first. Each file is fixed independently, so `-j N` stays deterministic.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { writeFileAtomic } from "./atomic-write.js";
import { applyFixes, eligible } from "./fix.js";
import type { LintResult } from "./lint.js";
import { ioErrorPhrase, readSourceSync } from "./read.js";
import type { Applicability, Finding, Notice } from "./types.js";

/** What the user asked for: which fixes, and whether to write them. Serialisable (sent to workers). */
export interface FixRequest {
  /** `safe`: `--fix`; `unsafe`: `--fix-unsafe` (safe and unsafe fixes). */
  mode: Applicability;
  /** `--fix-dry-run`: compute the fixes and a diff, write nothing. */
  dryRun: boolean;
  /**
   * Absolute directory that fixes may write in through a symlink (the run's root). A file whose
   * path involves no symlink is written where it is; one reached through a symlink is written at
   * its real path only when that lies inside the root's real path, and otherwise left unfixed
   * with a notice: `--fix` never writes outside the tree because a link points there.
   */
  root: string;
}

/** What fixing did to one file (a field of the file's outcome). */
export interface FixSummary {
  /** Fixes applied over all passes (for a dry run: that would be applied). */
  applied: number;
  /** The fixed text was written to disk. */
  written: boolean;
  /** `--fix-dry-run`: the unified diff of the change (`a/PATH`, `b/PATH` headers, as git prints). */
  diff?: string;
  /** Why the fixed text could not be written (the file was left as it was). */
  failed?: string;
}

/** ESLint's limit: a chain of fixes longer than this is cut short (the rest is reported). */
export const MAX_PASSES = 10;

export type LintText = (text: string) => Promise<LintResult>;

export interface FixLoopResult {
  text: string;
  /** The findings and notices of the last lint: those of `text`. */
  findings: Finding[];
  notices: Notice[];
  /** Fixes applied over all passes. */
  applied: number;
  /** Passes that changed the text. */
  passes: number;
}

/** Notices that say the engine could not lint (all) of the text. */
function failures(notices: readonly Notice[]): number {
  return notices.filter((n) => n.kind === "parse-error" || n.kind === "internal-error").length;
}

/**
 * Applies the eligible fixes of `first` (the lint of `text`), re-lints, and repeats while a pass
 * changes the text: fixes that overlapped an applied one are retried against the new text, and
 * fixes of findings that the first fixes uncovered are applied too. Stops after `maxPasses`
 * passes, when the text comes back to an earlier state (two fixes undoing each other), or when a
 * pass makes the file unparseable (that pass is undone and reported as an internal error: a rule's
 * fix is wrong).
 */
export async function fixText(
  text: string,
  lint: LintText,
  mode: Applicability,
  opts: { first?: LintResult; maxPasses?: number; file?: string } = {},
): Promise<FixLoopResult> {
  const maxPasses = opts.maxPasses ?? MAX_PASSES;
  let current = opts.first ?? (await lint(text));
  let cur = text;
  let applied = 0;
  let passes = 0;
  const seen = new Set<string>([cur]);
  while (passes < maxPasses) {
    const pass = applyFixes(cur, current.findings, mode);
    if (pass.applied === 0 || seen.has(pass.text)) break;
    const next = await lint(pass.text);
    if (failures(next.notices) > failures(current.notices)) {
      const file = opts.file ?? current.findings[0]?.file ?? "";
      current = {
        findings: current.findings,
        notices: [
          ...current.notices,
          { file, kind: "internal-error", message: "internal error: a fix made the file unparseable; the fixes of that pass were not applied" },
        ],
      };
      break;
    }
    seen.add(pass.text);
    cur = pass.text;
    current = next;
    applied += pass.applied;
    passes++;
  }
  return { text: cur, findings: current.findings, notices: current.notices, applied, passes };
}

/** Whether any finding has a fix that `mode` applies. */
export function hasEligibleFix(findings: readonly Finding[], mode: Applicability): boolean {
  return findings.some((f) => eligible(f, mode));
}

/** A unified diff of one file, with git's `a/` and `b/` prefixes; empty when nothing changed. */
export function unifiedDiff(displayPath: string, before: string, after: string): string {
  if (before === after) return "";
  return createTwoFilesPatch(`a/${displayPath}`, `b/${displayPath}`, before, after, undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
}

function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  return child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

/** Where fixes to `absPath` may be written: its real path, or a reason not to write. */
export function writeTarget(absPath: string, root: string): { ok: true; real: string } | { ok: false; message: string } {
  let real: string;
  try {
    real = realpathSync(absPath);
  } catch (error) {
    return { ok: false, message: `cannot resolve the file: ${ioErrorPhrase(error)}` };
  }
  if (real === path.resolve(absPath)) return { ok: true, real };
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = path.resolve(root);
  }
  if (isInside(real, realRoot)) return { ok: true, real };
  return { ok: false, message: "a symlink leads to a file outside the tree; not fixed (fix the target itself)" };
}

export interface FixFileInput {
  /** Display path (diff headers, notices). */
  path: string;
  absPath: string;
  /** The text the first lint saw, and how it was stored. */
  text: string;
  bom: boolean;
  first: LintResult;
}

export interface FixFileResult {
  text: string;
  findings: Finding[];
  notices: Notice[];
  fix: FixSummary;
}

/**
 * Fixes one file on disk (or, for a dry run, computes the diff). Returns undefined when no finding
 * has an eligible fix: the first lint stands. The file is written only when its text changed, and
 * only if it still holds the text that was linted (an editor may have saved it meanwhile).
 */
export async function fixFile(input: FixFileInput, lint: LintText, req: FixRequest): Promise<FixFileResult | undefined> {
  if (!hasEligibleFix(input.first.findings, req.mode)) return undefined;
  const unchanged = (extra: Notice[], fix: FixSummary): FixFileResult => ({
    text: input.text,
    findings: input.first.findings,
    notices: [...input.first.notices, ...extra],
    fix,
  });
  const target = writeTarget(input.absPath, req.root);
  if (!target.ok) return unchanged([{ file: input.path, kind: "skipped", message: target.message }], { applied: 0, written: false });
  const loop = await fixText(input.text, lint, req.mode, { first: input.first, file: input.path });
  if (loop.text === input.text) {
    return { text: loop.text, findings: loop.findings, notices: loop.notices, fix: { applied: 0, written: false } };
  }
  if (req.dryRun) {
    const diff = unifiedDiff(input.path, input.text, loop.text);
    return { text: loop.text, findings: loop.findings, notices: loop.notices, fix: { applied: loop.applied, written: false, diff } };
  }
  const now = readSourceSync(target.real, input.path, { maxBytes: Number.MAX_SAFE_INTEGER });
  if (!now.ok || now.text !== input.text || now.bom !== input.bom) {
    const message = "the file changed on disk while it was being fixed; not written";
    return unchanged([{ file: input.path, kind: "skipped", message }], { applied: 0, written: false, failed: message });
  }
  const written = writeFileAtomic(target.real, (input.bom ? "\uFEFF" : "") + loop.text);
  if (!written.ok) {
    const message = `cannot write the fixed file: ${written.message}; not fixed`;
    return unchanged([{ file: input.path, kind: "skipped", message }], { applied: 0, written: false, failed: message });
  }
  return { text: loop.text, findings: loop.findings, notices: loop.notices, fix: { applied: loop.applied, written: true } };
}
