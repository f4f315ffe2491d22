/**
 * The `json` format: a stable, documented array with one object per finding, in the run's order
 * (sorted by file, offset, rule id). Pretty-printed with two spaces and a trailing newline; no
 * findings print `[]`. Fields are always in this order, and optional ones are left out, not null.
 * See docs/json-format.md.
 *
 * ```ts
 * type JsonOutput = JsonFinding[];
 * interface JsonFinding {
 *   file: string;        // the path as given on the command line (relative to the working directory)
 *   line: number;        // 1-based start line
 *   column: number;      // 1-based start column, in UTF-16 code units
 *   endLine: number;     // 1-based line of the end
 *   endColumn: number;   // 1-based column just past the last character (exclusive)
 *   ruleId: string;      // "<family>/<kebab-name>", e.g. "c/misleading-indentation"
 *   severity: "error" | "warning" | "info";   // after configuration overrides
 *   message: string;     // may contain Markdown `code` spans
 *   related: {           // other places that explain the finding (same file); may be empty
 *     line: number; column: number; endLine: number; endColumn: number; message: string;
 *   }[];
 *   fix?: {              // present when the rule offers a fix
 *     title: string;
 *     applicability: "safe" | "unsafe";      // "safe" is applied by --fix
 *     edits: { start: number; end: number; text: string }[];
 *                        // 0-based UTF-16 offsets into the file's decoded text (BOM excluded),
 *                        // half-open [start, end), non-overlapping, sorted
 *   };
 *   suppressed?: {       // present only when suppressed findings were asked for
 *     kind: "inSource";
 *     justification?: string;   // the text after "--" in the directive
 *     line: number;             // the directive's line
 *   };
 * }
 * ```
 * Notices (files skipped or not fully linted) are not part of this array.
 */
import type { RuleMeta } from "../engine/rule.js";
import type { Finding, Fix, Range, RelatedLocation, RunResult, Suppression } from "../engine/types.js";
import type { FormatOptions } from "./index.js";

export interface JsonPosition {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface JsonRelated extends JsonPosition {
  message: string;
}

export interface JsonFix {
  title: string;
  applicability: Fix["applicability"];
  edits: { start: number; end: number; text: string }[];
}

export interface JsonSuppression {
  kind: Suppression["kind"];
  justification?: string;
  line: number;
}

export interface JsonFinding extends JsonPosition {
  file: string;
  ruleId: string;
  severity: Finding["severity"];
  message: string;
  related: JsonRelated[];
  fix?: JsonFix;
  suppressed?: JsonSuppression;
}

export function formatJson(result: RunResult, _rules: readonly RuleMeta[], _options: FormatOptions): string {
  return `${JSON.stringify(result.findings.map(toJsonFinding), null, 2)}\n`;
}

export function toJsonFinding(finding: Finding): JsonFinding {
  const { line, column, endLine, endColumn } = jsonPosition(finding.range);
  const out: JsonFinding = {
    file: finding.file,
    line,
    column,
    endLine,
    endColumn,
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    related: finding.related.map(jsonRelated),
  };
  if (finding.fix) out.fix = jsonFix(finding.fix);
  if (finding.suppressed) out.suppressed = jsonSuppression(finding.suppressed);
  return out;
}

function jsonPosition(range: Range): JsonPosition {
  return { line: range.start.line, column: range.start.column, endLine: range.end.line, endColumn: range.end.column };
}

function jsonRelated(related: RelatedLocation): JsonRelated {
  return { ...jsonPosition(related.range), message: related.message };
}

function jsonFix(fix: Fix): JsonFix {
  return {
    title: fix.title,
    applicability: fix.applicability,
    edits: fix.edits.map((e) => ({ start: e.start, end: e.end, text: e.text })),
  };
}

function jsonSuppression(s: Suppression): JsonSuppression {
  return s.justification === undefined
    ? { kind: s.kind, line: s.line }
    : { kind: s.kind, justification: s.justification, line: s.line };
}
