/**
 * GCC's layout decision for `c/misleading-indentation` (gcc/c-family/c-indentation.cc,
 * `should_warn_for_misleading_indentation`): from where the guard, its body's first token and the
 * next token stand, whether the next token looks guarded. Shared by the rule, which finds the
 * three tokens on the tree, and its pre-filter, which finds them in the text.
 */
import { visualColumn, type SourceText } from "../../engine/source.js";

export type Guard = "if" | "else" | "for" | "while";

/** A token's place as GCC's `get_visual_column` computes it (1-based visual columns). */
export interface Place {
  line: number;
  column: number;
  /** Visual column of the first non-blank character of the line, up to and including the token. */
  firstNonBlank: number;
}

/** The three tokens GCC compares: the guard keyword, the body's first token and the next token. */
export interface Layout {
  guard: Guard;
  /** The body is an empty statement (`if (x);`). */
  emptyBody: boolean;
  /** The next token is `{` (matters only after an empty body). */
  nextIsBrace: boolean;
  guardAt: Place;
  bodyAt: Place;
  nextAt: Place;
}

/**
 * GCC's decision (c-indentation.cc, `should_warn_for_misleading_indentation`), after the checks on
 * token types, for a body that is not a compound statement.
 */
export function isMisleading(source: SourceText, tabWidth: number, layout: Layout): boolean {
  const { guard, emptyBody, guardAt, bodyAt, nextAt } = layout;
  if (nextAt.line === bodyAt.line) {
    // `if (x)\n  a(); b();` always; `if (x) a(); b();` when the guard starts its line.
    if (guardAt.line < bodyAt.line) return true;
    return guardAt.line === bodyAt.line && guardAt.column === guardAt.firstNonBlank;
  }
  // Text before the next statement on its line (an empty macro such as `emit`, GCC's PR c/69122).
  if (nextAt.firstNonBlank < nextAt.column) return false;
  const aligned = !emptyBody && nextAt.column === bodyAt.column;
  // `if (p)\n  /* blah */;\n  foo(1);`: an empty body hidden behind a comment.
  const hiddenEmpty =
    emptyBody &&
    bodyAt.line > guardAt.line &&
    bodyAt.firstNonBlank !== bodyAt.column &&
    nextAt.column > guardAt.firstNonBlank;
  if (aligned || hiddenEmpty) {
    // Body in the guard's own column (code that is not indented at all): not misleading. For
    // `else`, GCC takes the first column of its line, so `} else` lines behave like the `if`.
    const guardColumn = guard === "else" ? guardAt.firstNonBlank : guardAt.column;
    if (guardColumn === bodyAt.column) return false;
    if (bodyAt.column <= guardAt.firstNonBlank) return false;
    return !interveningUnindent(source, tabWidth, bodyAt.line, nextAt.line, Math.min(nextAt.column, bodyAt.column));
  }
  // `if (x);\n    foo();` and `while (x);\n{`: a stray semicolon after the guard.
  if (emptyBody && bodyAt.line === guardAt.line) {
    return (
      nextAt.column > guardAt.firstNonBlank || (layout.nextIsBrace && nextAt.column === guardAt.firstNonBlank)
    );
  }
  return false;
}

/**
 * GCC's `detect_intervening_unindent`: a line strictly between the two that starts left of
 * `column` (a `#endif` in column 0, an outdented macro call or comment). Blank lines do not
 * count. Unlike GCC 12, the line's last character is examined too (see the notes).
 */
function interveningUnindent(
  source: SourceText,
  tabWidth: number,
  bodyLine: number,
  nextLine: number,
  column: number,
): boolean {
  for (let line = bodyLine + 1; line < nextLine; line++) {
    const text = source.lineText(line);
    const i = firstNonBlankIndex(text, text.length);
    if (i < text.length && visualColumn(text, i, tabWidth) < column) return true;
  }
  return false;
}

export function locate(source: SourceText, offset: number, tabWidth: number): Place {
  const line = source.lineOf(offset);
  const text = source.lineText(line);
  const index = offset - source.lineStart(line);
  return {
    line,
    column: visualColumn(text, index, tabWidth),
    firstNonBlank: visualColumn(text, firstNonBlankIndex(text, index), tabWidth),
  };
}

/** Index of the first character before `limit` that is not C's `isspace`, or `limit`. */
function firstNonBlankIndex(text: string, limit: number): number {
  for (let i = 0; i < limit; i++) if (!isBlank(text.charCodeAt(i))) return i;
  return Math.max(limit, 0);
}

/** C's `isspace`: space, \t, \n, \v, \f, \r. */
export function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Whether only blanks stand before `offset` on its line. */
export function onlyBlanksBefore(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (!isBlank(c)) return false;
  }
  return true;
}

/** Where a `//` comment or a directive line ends, following backslash-newline continuations. */
export function endOfLineComment(text: string, from: number): number {
  let i = from;
  for (;;) {
    const nl = text.indexOf("\n", i);
    if (nl === -1) return text.length;
    let j = nl - 1;
    if (j >= 0 && text.charCodeAt(j) === 13) j--;
    if (j < from || text.charCodeAt(j) !== 92) return nl;
    i = nl + 1;
  }
}

/**
 * Where the directive whose `#` is at `hash` ends (at its line break). Backslash-newlines are
 * followed, and so is a block comment that runs onto the next lines: comments are gone before
 * directives are read (the C standard's translation phases). String and character literals are
 * stepped over, so that a `/*` inside one starts no comment.
 */
export function endOfDirective(text: string, hash: number): number {
  for (let i = hash + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c === 10) return i;
    if (c === 92) {
      // An escaped character, or a line break (`\r\n` too) that the next line continues.
      i += next === 13 && text.charCodeAt(i + 2) === 10 ? 2 : 1;
    } else if (c === 47 && next === 42) {
      const close = text.indexOf("*/", i + 2);
      if (close === -1) return text.length;
      i = close + 1;
    } else if (c === 47 && next === 47) {
      return endOfLineComment(text, i);
    } else if (c === 34 || c === 39) {
      // An unclosed quote (`#error don't`) is just a character.
      const end = endOfLiteral(text, i, c);
      if (text.charCodeAt(end) === c) i = end;
    }
  }
  return text.length;
}

/**
 * Index of the quote that closes the string or character literal opened at `open`, or of the
 * line break (or the end of the text) where it stops unclosed. A backslash escapes the next
 * character, or a line break (`\r\n` too), which continues the literal.
 */
export function endOfLiteral(text: string, open: number, quote: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 2 : 1;
    else if (c === quote || c === 10) return i;
  }
  return text.length;
}

/** A character that may start a C identifier (`$` included, as GCC allows). */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Whether the directive whose `#` is at `hash` is `#pragma`. */
export function isPragma(text: string, hash: number): boolean {
  let i = hash + 1;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  return text.startsWith("pragma", i) && !isIdentPart(text.charCodeAt(i + 6));
}
