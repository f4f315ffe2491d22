/**
 * Lines of a Makefile as GNU make reads them: physical lines joined into logical lines where a
 * line ends with an odd number of backslashes, and the scanning helpers the parser needs
 * (physical lines and blanks are the shared ones of ../lines.ts).
 */
import { endsWithContinuation, isBlank, skipBlanks, type PhysicalLine } from "../lines.js";

/** Index of the last physical line of the logical line that starts at line `i`. */
export function logicalLast(text: string, lines: readonly PhysicalLine[], i: number): number {
  let j = i;
  for (; j + 1 < lines.length; j++) {
    const line = lines[j] as PhysicalLine;
    if (!endsWithContinuation(text, line.start, line.end)) break;
  }
  return j;
}

/**
 * The logical line `[start, end)` of the host with every continuation (`\` + line break) blanked
 * out, so that the result has the host's offsets (`flat[k]` is host `start + k`) and reads as make
 * reads a non-recipe line, where a continuation is whitespace.
 */
export function flatten(text: string, start: number, end: number): string {
  return text.slice(start, end).replace(/\\(\r?\n)/g, (m) => " ".repeat(m.length));
}

/**
 * Offset of the `)`/`}` that closes the variable reference opened at `s[open]` (`(` or `{`),
 * counting only that kind of bracket, as make does; -1 when it is not closed before `to`.
 */
export function closingBracket(s: string | readonly string[], open: number, to: number): number {
  const opener = s[open];
  const closer = opener === "(" ? ")" : "}";
  let depth = 0;
  for (let i = open; i < to; i++) {
    if (s[i] === opener) depth++;
    else if (s[i] === closer && --depth === 0) return i;
  }
  return -1;
}

/** Whether `s[i]` is preceded by an odd number of backslashes (make's `\#`, `\:`, `\;`). */
function isEscaped(s: string, i: number, from: number): boolean {
  let n = 0;
  for (let k = i - 1; k >= from && s[k] === "\\"; k--) n++;
  return n % 2 === 1;
}

/**
 * First offset in `[from, to)` holding one of `chars`, unescaped; with `skipReferences`,
 * `$(…)`/`${…}` are stepped over (make's `MAP_VARIABLE`). -1 when there is none.
 */
export function findUnquoted(s: string, from: number, to: number, chars: string, skipReferences: boolean): number {
  for (let i = from; i < to; i++) {
    const ch = s[i] as string;
    if (skipReferences && ch === "$") {
      const next = s[i + 1];
      if (next === "(" || next === "{") {
        const close = closingBracket(s, i + 1, to);
        if (close !== -1) {
          i = close;
          continue;
        }
      }
      i++;
      continue;
    }
    if (chars.includes(ch) && !isEscaped(s, i, from)) return i;
  }
  return -1;
}

/** Whitespace-separated words of `s`, keeping `$(…)` and `${…}` (which may hold blanks) whole. */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let i = skipBlanks(s, 0);
  while (i < s.length) {
    let j = i;
    while (j < s.length && !isBlank(s[j])) {
      if (s[j] === "$" && (s[j + 1] === "(" || s[j + 1] === "{")) {
        const close = closingBracket(s, j + 1, s.length);
        j = close === -1 ? s.length : close + 1;
      } else j++;
    }
    words.push(s.slice(i, j));
    i = skipBlanks(s, j);
  }
  return words;
}
