/**
 * Physical lines of an upstart job and the small lexical helpers the parser shares: where a
 * `#` comment starts, whether a line continues with a backslash. Offsets are host offsets.
 */

/** One physical line: `[start, end)` is its content, `next` the start of the following line. */
export interface PhysicalLine {
  start: number;
  /** Just past the content: before `\r\n` or `\n` (or the end of the text). */
  end: number;
  next: number;
}

export function physicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const next = nl === -1 ? text.length : nl + 1;
    let end = nl === -1 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    lines.push({ start, end, next });
    start = next;
  }
  return lines;
}

export function isBlank(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\r" || ch === "\n" || ch === "\f" || ch === "\v";
}

/** First offset in `[from, to)` that is not a blank, or `to`. */
export function skipBlanks(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && isBlank(text[i])) i++;
  return i;
}

/** Offset just past the last non-blank in `[from, to)`, or `from`. */
export function trimEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && isBlank(text[i - 1])) i--;
  return i;
}

/** Quote state carried from one physical line to the next (a quoted value may span lines). */
export type QuoteState = "" | '"' | "'";

export interface LineScan {
  /** Where the line's code ends: the `#` of a trailing comment, or the line's end. */
  codeEnd: number;
  quote: QuoteState;
  /** Net `(` minus `)` outside quotes and comments. */
  parenDelta: number;
}

/**
 * Scans `[from, to)` of one line. As in upstart's config lexer (libnih), `#` starts a comment
 * when it is outside quotes and begins a word (at the line start or after a blank); a backslash
 * escapes the next character.
 */
export function scanLine(text: string, from: number, to: number, quote: QuoteState): LineScan {
  let q = quote;
  let parenDelta = 0;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (q !== "") {
      if (ch === q) q = "";
      continue;
    }
    if (ch === '"' || ch === "'") q = ch;
    else if (ch === "(") parenDelta++;
    else if (ch === ")") parenDelta--;
    else if (ch === "#" && (i === from || isBlank(text[i - 1]))) return { codeEnd: i, quote: q, parenDelta };
  }
  return { codeEnd: to, quote: q, parenDelta };
}

/** Whether `[start, end)` ends with an odd number of backslashes (a line continuation). */
export function endsWithContinuation(text: string, start: number, end: number): boolean {
  let n = 0;
  for (let i = end - 1; i >= start && text[i] === "\\"; i--) n++;
  return n % 2 === 1;
}

/** The word (run of non-blanks) starting at `from`, bounded by `to`. */
export function wordAt(text: string, from: number, to: number): { word: string; end: number } {
  let i = from;
  while (i < to && !isBlank(text[i]) && text[i] !== "#") i++;
  return { word: text.slice(from, i), end: i };
}
