/**
 * C and C++ text without parsing it: the cheap looks that decide whether a file needs the parser
 * (`c/misleading-indentation`'s pre-filter) and which grammar a `.h` header needs (detect.ts).
 */
import { skipBlanks } from "../lines.js";

/**
 * Strings, character literals and comments, in one pass: strings are matched so that a `//`
 * inside one is not taken for a comment.
 */
const STRINGS_AND_COMMENTS = /"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/**
 * The text with each comment replaced by a space and each string or character literal emptied
 * to `""`: words and parentheses inside them do not count.
 */
export function withoutComments(text: string): string {
  return text.replace(STRINGS_AND_COMMENTS, (m) => (m.startsWith("/") ? " " : '""'));
}

/** A preprocessor directive: from a `#` that starts a line to the end of the line, `\`-continuations included. */
const DIRECTIVE = /^[ \t]*#(?:[^\n\\]|\\[\s\S])*/gm;

/**
 * The text with each preprocessor directive (and its continuation lines) replaced by a lone `#`:
 * what the compiler proper sees of the file, the `#` marking where a directive stood.
 */
export function withoutDirectives(text: string): string {
  return text.replace(DIRECTIVE, "#");
}

/** A guard keyword (`if`, `else`, `for`, `while`), as a whole word (`GUARDS`: all of them, for `matchAll`). */
const GUARD = /\b(?:if|else|for|while)\b/;
const GUARDS = new RegExp(GUARD.source, "g");

/** The offset just past the `)` that closes the `(` at `open`, or -1 when it is never closed. */
function pastClosingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Whether some `if`, `else`, `for` or `while` in the code may guard a body that is not a block:
 * the body of each must start with `{` for the answer to be no (`else if` and a `while (…);`
 * that ends a `do` count as yes). Comments, string and character literals and preprocessor
 * directives (macro bodies included) are left out first. Whatever the scan cannot read plainly
 * (a guard not followed by `(`, parentheses that never close, a directive between `)` and `{`)
 * counts as yes: the answer may be yes wrongly, never no wrongly.
 */
export function hasUnbracedGuard(text: string): boolean {
  if (!GUARD.test(text)) return false;
  const code = withoutDirectives(withoutComments(text));
  for (const m of code.matchAll(GUARDS)) {
    let at = skipBlanks(code, m.index + m[0].length);
    if (m[0] !== "else") {
      if (code[at] !== "(") return true;
      const past = pastClosingParen(code, at);
      if (past < 0) return true;
      at = skipBlanks(code, past);
    }
    if (code[at] !== "{") return true;
  }
  return false;
}
