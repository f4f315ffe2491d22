/**
 * Applying fixes: pure text edits in host offsets. Fixes never overlap: a fix whose edits touch
 * the span of an earlier-chosen fix is left for the next pass (ESLint's and Ruff's approach).
 * Rules write line breaks in inserted text as `\n`; the engine turns them into the style of the
 * line each edit lands on (`\r\n` in a CRLF file) when it makes the finding (`matchLineEndings`),
 * so every output shows, and every fix writes, the file's own line endings.
 */
import type { Applicability, Edit, Finding } from "./types.js";

export interface AppliedFixes {
  text: string;
  /** How many fixes were applied. */
  applied: number;
  /** Fixes that were eligible but overlapped another one (retry after re-linting). */
  deferred: number;
}

function fixSpan(edits: readonly Edit[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of edits) {
    lo = Math.min(lo, e.start);
    hi = Math.max(hi, e.end);
  }
  return [lo, hi];
}

/**
 * Whether a finding's fix may be applied under this mode (`safe` only, or also `unsafe`). A
 * suppressed finding's fix never is: the directive says to leave that code alone.
 */
export function eligible(f: Finding, mode: Applicability): boolean {
  return (
    f.fix !== undefined &&
    f.suppressed === undefined &&
    f.fix.edits.length > 0 &&
    (mode === "unsafe" || f.fix.applicability === "safe")
  );
}

/**
 * The line break of the line `offset` is on: its own (the next `\n`), or for a last line without
 * one the break before it; `\n` in a file without line breaks.
 */
export function lineBreakAt(text: string, offset: number): "\n" | "\r\n" {
  let nl = text.indexOf("\n", offset);
  if (nl === -1) nl = text.lastIndexOf("\n", offset - 1);
  return nl > 0 && text.charCodeAt(nl - 1) === 13 ? "\r\n" : "\n";
}

/** An edit whose inserted line breaks follow the style of the line it lands on. */
export function matchLineEndings(text: string, edit: Edit): Edit {
  if (!edit.text.includes("\n")) return edit;
  const br = lineBreakAt(text, edit.start);
  const adapted = edit.text.replace(/\r?\n/g, br);
  return adapted === edit.text ? edit : { ...edit, text: adapted };
}

export function applyFixes(text: string, findings: readonly Finding[], mode: Applicability): AppliedFixes {
  const chosen: { span: [number, number]; edits: Edit[] }[] = [];
  let deferred = 0;
  const candidates = findings
    .filter((f) => eligible(f, mode))
    .map((f) => ({ span: fixSpan(f.fix?.edits ?? []), edits: [...(f.fix?.edits ?? [])] }))
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  for (const c of candidates) {
    // Two insertions at one point conflict too: their order would be arbitrary.
    const clash = chosen.some((o) => c.span[0] <= o.span[1] && o.span[0] <= c.span[1]);
    if (clash) {
      deferred++;
      continue;
    }
    chosen.push(c);
  }
  const edits = chosen
    .flatMap((c) => c.edits)
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, applied: chosen.length, deferred };
}
