/**
 * The line structure of a unit file as systemd reads it (src/shared/conf-parser.c,
 * `config_parse`; systemd.syntax(7)):
 *
 * - A line ends at `\n`, `\r`, or a pair of different ones (`\r\n`, `\n\r`) (`read_line`).
 * - A line whose first non-blank character is `#` or `;` is a comment and is skipped — also in
 *   the middle of a continuation: "When a comment line or lines follow a line ending with a
 *   backslash, the comment block is ignored, so the continued line is concatenated with whatever
 *   follows the comment block" (systemd.syntax(7)).
 * - A line ending in an unescaped backslash continues: the backslash is replaced by a space and
 *   the next line is appended as is (its leading blanks kept).
 * - The logical line is stripped of blanks (` \t\n\r`) at both ends; `[Name]` opens a section,
 *   otherwise it is `Key=Value` split at the first `=`, both sides stripped.
 */
import type { PhysicalLine } from "../lines.js";
import { MappedTextBuilder, type MappedText } from "../mapped-text.js";

/** systemd's own split (`read_line`): a line also ends at a lone `\r` or `\n\r`, which ../lines.ts does not do. */
export function physicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
    let next = end;
    if (next < text.length) {
      const first = text[next];
      next++;
      const second = text[next];
      if ((second === "\n" || second === "\r") && second !== first) next++;
    }
    lines.push({ start, end, next });
    start = next;
  }
  return lines;
}

/** systemd's WHITESPACE: space, tab, newline, carriage return. */
export function isBlank(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}

function isCommentLine(text: string, line: PhysicalLine): boolean {
  let i = line.start;
  while (i < line.end && isBlank(text[i])) i++;
  return i < line.end && (text[i] === "#" || text[i] === ";");
}

/** Whether `[start, end)` ends with a backslash that is not itself escaped. */
function endsWithContinuation(text: string, start: number, end: number): boolean {
  let escaped = false;
  for (let i = start; i < end; i++) escaped = escaped ? false : text[i] === "\\";
  return escaped;
}

export interface LogicalLine {
  /** The joined line: each continuation backslash replaced by a (synthesised, unmapped) space. */
  text: MappedText;
  /** Index of the first physical line after this logical line. */
  nextLine: number;
}

/** The next logical line at or after physical line `from` (comment lines skipped), or undefined at the end. */
export function readLogicalLine(text: string, lines: readonly PhysicalLine[], from: number): LogicalLine | undefined {
  const out = new MappedTextBuilder();
  let started = false;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] as PhysicalLine;
    if (isCommentLine(text, line)) continue;
    started = true;
    if (!endsWithContinuation(text, line.start, line.end)) {
      out.appendHost(text.slice(line.start, line.end), line.start);
      return { text: out.build(), nextLine: i + 1 };
    }
    out.appendHost(text.slice(line.start, line.end - 1), line.start);
    out.appendSynthetic(" ");
  }
  return started ? { text: out.build(), nextLine: lines.length } : undefined;
}
