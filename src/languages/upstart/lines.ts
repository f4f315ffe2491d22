/**
 * The small lexical helpers of the upstart job parser: where a
 * `#` comment starts, where a word ends. Offsets are host offsets; physical lines, blanks and
 * backslash continuations are the shared ones of ../lines.ts.
 */
import { isBlank } from "../lines.js";

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

/** The word (run of non-blanks) starting at `from`, bounded by `to`. */
export function wordAt(text: string, from: number, to: number): { word: string; end: number } {
  let i = from;
  while (i < to && !isBlank(text[i]) && text[i] !== "#") i++;
  return { word: text.slice(from, i), end: i };
}
