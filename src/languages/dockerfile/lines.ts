/**
 * The line structure of a Dockerfile as BuildKit's parser reads it
 * (moby/buildkit frontend/dockerfile/parser/parser.go):
 *
 * - Physical lines end at `\n`; trailing `\r`s and the `\n` are not content (`trimNewline`):
 *   `physicalLines(text, "all")` of ../lines.ts.
 * - Parser directives (`# escape=\``, `# syntax=…`, `# check=…`) are comment lines at the very top;
 *   the first line that is not one (a blank line included) ends them.
 * - A logical line starts at the first line that is neither blank nor a comment (`#` after optional
 *   whitespace); its leading whitespace is dropped.
 * - A line continues when it ends with the escape character followed only by spaces/tabs and that
 *   escape character is not itself escaped (`([^\\])\\[ \t]*$|^\\[ \t]*$`); the escape character and
 *   the trailing blanks are removed and the next line is appended *as is*: nothing is inserted, the
 *   shell sees the two lines concatenated.
 * - Inside a continuation, comment lines and blank lines are skipped entirely (BuildKit warns about
 *   the blank ones); their text is not part of the instruction.
 * - Heredoc bodies (`RUN <<EOF`) are the physical lines after the logical line, up to a line equal
 *   to the delimiter (after removing leading tabs for `<<-`).
 */
import type { PhysicalLine } from "../lines.js";
import { MappedTextBuilder, type MappedText } from "../mapped-text.js";

/** Go's `unicode.IsSpace` (BuildKit trims with it): ASCII blanks, NEL, NBSP and the Unicode spaces. */
export function isGoSpace(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** First offset in `[from, to)` that is not a Go space, or `to`. */
export function skipGoSpace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && isGoSpace(text[i])) i++;
  return i;
}

/** Offset just past the last non-space in `[from, to)`, or `from`. */
export function trimGoSpaceEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && isGoSpace(text[i - 1])) i--;
  return i;
}

function isCommentLine(text: string, line: PhysicalLine): boolean {
  const i = skipGoSpace(text, line.start, line.end);
  return i < line.end && text[i] === "#";
}

function isBlankLine(text: string, line: PhysicalLine): boolean {
  return skipGoSpace(text, line.start, line.end) === line.end;
}

/**
 * Where the kept text of `[from, to)` ends when the line continues: just before the escape
 * character (trailing spaces/tabs after it allowed), unless that escape character is escaped.
 * Undefined when the line does not continue.
 */
export function continuationCut(text: string, from: number, to: number, escapeChar: string): number | undefined {
  let j = to;
  while (j > from && (text[j - 1] === " " || text[j - 1] === "\t")) j--;
  if (j === from || text[j - 1] !== escapeChar) return undefined;
  if (j - 1 > from && text[j - 2] === escapeChar) return undefined;
  return j - 1;
}

export interface ParserDirective {
  /** Lower-cased: `escape`, `syntax`, `check`. */
  name: string;
  value: string;
  /** Host range of the directive's line content. */
  start: number;
  end: number;
}

const KNOWN_DIRECTIVES: ReadonlySet<string> = new Set(["escape", "syntax", "check"]);
const DIRECTIVE_RE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;

/** The leading parser directives and the escape character they set (`\` unless `# escape=\``). */
export function parserDirectives(text: string, lines: readonly PhysicalLine[]): { directives: ParserDirective[]; escapeChar: string } {
  const directives: ParserDirective[] = [];
  let escapeChar = "\\";
  for (const line of lines) {
    const start = skipGoSpace(text, line.start, line.end);
    const m = DIRECTIVE_RE.exec(text.slice(start, line.end));
    const name = m?.[1]?.toLowerCase();
    if (!m || name === undefined || !KNOWN_DIRECTIVES.has(name) || directives.some((d) => d.name === name)) break;
    const value = m[2] as string;
    directives.push({ name, value, start, end: line.end });
    if (name === "escape" && (value === "`" || value === "\\")) escapeChar = value;
  }
  return { directives, escapeChar };
}

export interface LogicalLine {
  /** The instruction text as BuildKit assembles it, mapped to the host. */
  text: MappedText;
  /** Index of the first physical line after the logical line (where heredoc bodies start). */
  nextLine: number;
  /** Host offset just past the last contributing line's content (trailing blanks excluded, a final escape character included). */
  end: number;
}

/**
 * The next logical line at or after physical line `from` (skipping blank and comment lines
 * before it), or undefined at the end of the file.
 */
export function readLogicalLine(
  text: string,
  lines: readonly PhysicalLine[],
  from: number,
  escapeChar: string,
): LogicalLine | undefined {
  let i = from;
  while (i < lines.length) {
    const first = lines[i] as PhysicalLine;
    i++;
    if (isCommentLine(text, first) || isBlankLine(text, first)) continue;
    const out = new MappedTextBuilder();
    const start = skipGoSpace(text, first.start, first.end);
    let cut = continuationCut(text, start, first.end, escapeChar);
    out.appendHost(text.slice(start, cut ?? first.end), start);
    let end = trimGoSpaceEnd(text, start, first.end);
    while (cut !== undefined && i < lines.length) {
      const line = lines[i] as PhysicalLine;
      i++;
      if (isCommentLine(text, line) || isBlankLine(text, line)) continue;
      cut = continuationCut(text, line.start, line.end, escapeChar);
      out.appendHost(text.slice(line.start, cut ?? line.end), line.start);
      end = trimGoSpaceEnd(text, line.start, line.end);
    }
    return { text: out.build(), nextLine: i, end };
  }
  return undefined;
}

export interface HeredocBody {
  /** The body lines as Docker reads them, each with its `\n` (a `\r` before it is dropped); tabs kept. */
  body: MappedText;
  /** Host range of the body lines (from the first body line to the end of the last one's line break). */
  bodyStart: number;
  bodyEnd: number;
  /** Host range of the terminator line's content; undefined when the file ends first. */
  terminator: { start: number; end: number } | undefined;
  nextLine: number;
}

/** Reads a heredoc body starting at physical line `from`, up to the line equal to `name`. */
export function readHeredocBody(
  text: string,
  lines: readonly PhysicalLine[],
  from: number,
  name: string,
  chomp: boolean,
): HeredocBody {
  const body = new MappedTextBuilder();
  const bodyStart = lines[from]?.start ?? text.length;
  let bodyEnd = bodyStart;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] as PhysicalLine;
    let tabsEnd = line.start;
    while (tabsEnd < line.end && text[tabsEnd] === "\t") tabsEnd++;
    const candidateStart = chomp ? tabsEnd : line.start;
    if (text.slice(candidateStart, line.end) === name) {
      return { body: body.build(), bodyStart, bodyEnd, terminator: { start: candidateStart, end: line.end }, nextLine: i + 1 };
    }
    body.appendHost(text.slice(line.start, line.end), line.start);
    if (line.next > line.end && text[line.next - 1] === "\n") body.appendHost("\n", line.next - 1);
    bodyEnd = line.next;
  }
  return { body: body.build(), bodyStart, bodyEnd, terminator: undefined, nextLine: lines.length };
}
