/**
 * The `text` format (the default): ESLint's "stylish" grouping with code frames.
 *
 * ```
 * src/main.c
 *   12:5  error  `x--;` looks guarded by the `if` on line 10, but it is not  c/misleading-indentation
 *     12 |     x--;
 *        |     ^~~~
 *     note: line 10: the `if` it seems to belong to
 *
 * bin/blob.sh: notice: binary file (NUL byte at offset 12); skipped
 *
 * ✖ 3 problems (2 errors, 1 warning) in 2 files
 *   1 problem is fixable with `--fix`
 * ```
 *
 * Code frames expand tabs to TAB_WIDTH and count wide characters as two cells, so the caret sits
 * under the character the finding names. Control characters from the file (including ESC) are
 * shown as visible symbols: a linted file cannot write escape sequences to the terminal. With
 * `color: false` the output contains no ANSI escapes at all.
 */
import { Chalk, type ChalkInstance } from "chalk";
import type { RuleMeta } from "../engine/rule.js";
import type { SourceExcerpt } from "../engine/excerpt.js";
import type { Finding, Notice, RunResult, Severity } from "../engine/types.js";
import type { FormatOptions } from "./index.js";

/** Tab stops in code frames, as terminals and GCC (-ftabstop) count by default. */
export const TAB_WIDTH = 8;
/** Lines longer than this (UTF-16 units) are shown as a window around the finding. */
const MAX_FRAME_UNITS = 240;
/** How much of a long line to keep before the finding's start. */
const FRAME_LEAD = 60;

export function formatText(result: RunResult, _rules: readonly RuleMeta[], options: FormatOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const blocks: string[] = [];
  for (const [file, findings] of groupByFile(result.findings)) {
    const source = result.sources.get(file);
    const lines = [c.bold.underline(visible(file))];
    const posWidth = findings.reduce((w, f) => Math.max(w, positionText(f).length), 0);
    const sevWidth = findings.reduce((w, f) => Math.max(w, f.severity.length), 0);
    for (const finding of findings) {
      lines.push(...findingLines(c, finding, source, posWidth, sevWidth), "");
    }
    blocks.push(lines.join("\n"));
  }
  if (result.notices.length > 0) {
    blocks.push(result.notices.map((n) => c.yellow(noticeLine(n))).join("\n") + "\n");
  }
  const summary = summaryLines(c, result.findings);
  if (summary.length > 0) blocks.push(summary.join("\n") + "\n");
  return blocks.join("\n");
}

/** Findings grouped by file, files in order of first appearance. */
function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const group = groups.get(f.file);
    if (group) group.push(f);
    else groups.set(f.file, [f]);
  }
  return groups;
}

function positionText(f: Finding): string {
  return `${f.range.start.line}:${f.range.start.column}`;
}

function severityColor(c: ChalkInstance, severity: Severity): ChalkInstance {
  return severity === "error" ? c.red : severity === "warning" ? c.yellow : c.blue;
}

function findingLines(
  c: ChalkInstance,
  f: Finding,
  source: SourceExcerpt | undefined,
  posWidth: number,
  sevWidth: number,
): string[] {
  const color = severityColor(c, f.severity);
  const head = [
    "  ",
    c.dim(positionText(f).padEnd(posWidth)),
    "  ",
    color(f.severity.padEnd(sevWidth)),
    "  ",
    visible(f.message),
    "  ",
    c.dim(f.ruleId),
    f.suppressed ? c.dim(suppressedText(f.suppressed.justification)) : "",
  ].join("");
  const lines = [head];
  if (source) lines.push(...codeFrame(c, color, f, source));
  for (const r of f.related) lines.push(c.dim(`    note: line ${r.range.start.line}: ${visible(r.message)}`));
  return lines;
}

function suppressedText(justification: string | undefined): string {
  return justification === undefined ? "  (suppressed)" : `  (suppressed: ${visible(justification)})`;
}

/** The finding's first line with a gutter, and a caret line under the range's part on that line. */
function codeFrame(c: ChalkInstance, color: ChalkInstance, f: Finding, source: SourceExcerpt): string[] {
  const lineNo = f.range.start.line;
  const text = source.lines.get(lineNo);
  if (text === undefined) return [];
  const start = clamp(f.range.start.column - 1, 0, text.length);
  const end = f.range.end.line === lineNo ? clamp(f.range.end.column - 1, start, text.length) : text.length;
  const shown = frameWindow(text, start, end);
  const display = displayLine(shown.text);
  const from = display.columns[shown.start] ?? 0;
  const to = display.columns[shown.end] ?? from;
  const gutter = String(lineNo);
  const blank = " ".repeat(gutter.length);
  const caret = " ".repeat(from) + "^" + "~".repeat(Math.max(0, to - from - 1));
  return [
    trimEnd(`    ${c.dim(`${gutter} |`)} ${display.text}`),
    `    ${c.dim(`${blank} |`)} ${color.bold(caret)}`,
  ];
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(n, hi));
}

function trimEnd(s: string): string {
  return s.replace(/ +$/, "");
}

interface FrameWindow {
  text: string;
  /** The range's start and end as indices into `text`. */
  start: number;
  end: number;
}

/** A long line cut to a window around the range, with `…` where text was left out. */
export function frameWindow(line: string, start: number, end: number): FrameWindow {
  if (line.length <= MAX_FRAME_UNITS) return { text: line, start, end };
  const from = avoidSplit(line, Math.max(0, start - FRAME_LEAD));
  const to = avoidSplit(line, Math.min(line.length, from + MAX_FRAME_UNITS));
  const lead = from > 0 ? "…" : "";
  const tail = to < line.length ? "…" : "";
  const shift = lead.length - from;
  return {
    text: lead + line.slice(from, to) + tail,
    start: start + shift,
    end: Math.min(end, to) + shift,
  };
}

/** Moves an index off the low half of a surrogate pair. */
function avoidSplit(s: string, i: number): number {
  const code = s.charCodeAt(i);
  return i > 0 && code >= 0xdc00 && code <= 0xdfff ? i - 1 : i;
}

interface DisplayLine {
  /** The line as printed: tabs expanded, control characters made visible. */
  text: string;
  /** `columns[i]`: the 0-based display column where UTF-16 index `i` of the line starts (length + 1 entries). */
  columns: number[];
}

/** Lays a line out in terminal cells: tabs to the next TAB_WIDTH stop, wide characters two cells. */
export function displayLine(line: string, tabWidth: number = TAB_WIDTH): DisplayLine {
  let text = "";
  const columns: number[] = [];
  let col = 0;
  let i = 0;
  while (i < line.length) {
    const cp = line.codePointAt(i) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    for (let k = 0; k < units; k++) columns.push(col);
    if (cp === 9) {
      const next = (Math.floor(col / tabWidth) + 1) * tabWidth;
      text += " ".repeat(next - col);
      col = next;
    } else {
      text += visibleChar(cp);
      col += cellWidth(cp);
    }
    i += units;
  }
  columns.push(col);
  return { text, columns };
}

/** A control character's visible stand-in (U+2400 block), or the character itself. */
function visibleChar(cp: number): string {
  if (cp < 0x20) return String.fromCodePoint(0x2400 + cp);
  if (cp === 0x7f) return "\u2421";
  if (cp >= 0x80 && cp <= 0x9f) return "\ufffd";
  return String.fromCodePoint(cp);
}

/** Text from outside (paths, messages) with control characters made visible; tabs kept. */
function visible(s: string): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (ch) => visibleChar(ch.charCodeAt(0)));
}

/** Ranges of zero-width and of wide (two-cell) code points; a small table, good enough for frames. */
const ZERO_WIDTH: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x200b, 0x200f],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
];
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function inRanges(cp: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

function cellWidth(cp: number): number {
  if (inRanges(cp, ZERO_WIDTH)) return 0;
  return inRanges(cp, WIDE) ? 2 : 1;
}

function noticeLine(n: Notice): string {
  return `${visible(n.file)}: notice: ${visible(n.message)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * `✖ 3 problems (2 errors, 1 warning) in 2 files`; infos are counted only when there are some:
 * `✖ 3 problems (1 error, 0 warnings, 2 infos) in 1 file`. Suppressed findings do not count.
 * Then how many problems `--fix` would fix (safe fixes), and how many more `--fix-unsafe` would.
 */
export function summaryLines(c: ChalkInstance, findings: readonly Finding[]): string[] {
  const problems = findings.filter((f) => !f.suppressed);
  if (problems.length === 0) return [];
  const count = (s: Severity): number => problems.filter((f) => f.severity === s).length;
  const errors = count("error");
  const warnings = count("warning");
  const infos = count("info");
  const files = new Set(problems.map((f) => f.file)).size;
  const parts = [plural(errors, "error"), plural(warnings, "warning")];
  if (infos > 0) parts.push(plural(infos, "info"));
  const color = errors > 0 ? c.red.bold : warnings > 0 ? c.yellow.bold : c.blue.bold;
  const lines = [color(`✖ ${plural(problems.length, "problem")} (${parts.join(", ")}) in ${plural(files, "file")}`)];
  const safe = problems.filter((f) => f.fix?.applicability === "safe").length;
  const unsafe = problems.filter((f) => f.fix?.applicability === "unsafe").length;
  if (safe > 0) lines.push(color(`  ${fixableText(safe)} with \`--fix\``));
  if (unsafe > 0) lines.push(c.dim(`  ${fixableText(unsafe, safe > 0)} with \`--fix-unsafe\``));
  return lines;
}

/** `2 problems are fixable`, `1 more problem is fixable`. */
function fixableText(n: number, more = false): string {
  return `${n} ${more ? "more " : ""}problem${n === 1 ? " is" : "s are"} fixable`;
}
