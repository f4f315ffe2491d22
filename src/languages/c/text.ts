/**
 * C and C++ text without parsing it: the cheap looks that decide whether a file needs the parser
 * (`c/misleading-indentation`'s pre-filter) and which grammar a `.h` header needs (detect.ts).
 */
import { skipBlanks } from "../lines.js";

/** A backslash and what it escapes: one character, or a line break (`\r\n` too). */
const ESCAPE = String.raw`\\(?:\r\n|[\s\S])`;
const STRING = String.raw`"(?:${ESCAPE}|[^"\\\n])*"`;
const CHAR = String.raw`'(?:${ESCAPE}|[^'\\\n])*'`;
/** A `'` that does not follow a number's digits (`1'000` is one number). */
const CHAR_LITERAL = String.raw`(?<!\b[0-9][\w']*)${CHAR}`;
/** `R"delim(…)delim"`, with an encoding prefix or none (its one capture group is the delimiter). */
const RAW_STRING = String.raw`(?<![\w$])(?:u8|[LuU])?R"([^\s\\()"]{0,16})\([\s\S]*?\)\1"`;
const BLOCK_COMMENT = String.raw`\/\*[\s\S]*?\*\/`;
/** To the end of the line, backslash-newlines followed. */
const LINE_COMMENT = String.raw`\/\/(?:[^\n\\]|${ESCAPE})*`;

/**
 * Strings, character literals and comments, in one pass: strings are matched so that a `//`
 * inside one is not taken for a comment.
 */
const STRINGS_AND_COMMENTS = new RegExp(`${RAW_STRING}|${STRING}|${CHAR_LITERAL}|${BLOCK_COMMENT}|${LINE_COMMENT}`, "g");

/**
 * The text with each comment replaced by a space and each string or character literal emptied
 * to `""`: words and parentheses inside them do not count.
 */
export function withoutComments(text: string): string {
  return text.replace(STRINGS_AND_COMMENTS, (m) => (m.startsWith("/") ? " " : '""'));
}

/** A preprocessor directive: from a `#` that starts a line to the end of the line, `\`-continuations included. */
const DIRECTIVE = new RegExp(String.raw`^[ \t]*#(?:[^\n\\]|${ESCAPE})*`, "gm");

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

/**
 * The text with what the compiler proper does not read blanked out, offsets and lines kept, for
 * scans that need columns: each character of a comment and of a preprocessor directive (its
 * continuation lines, and a block comment it runs into, included) becomes a space except the
 * directive's `#`, and a string or character literal keeps its quotes around spaces (raw strings
 * `R"x(…)x"` too). Line breaks stay, and so does every `\r`. A quote whose literal does not close
 * on its line is left as it is, as is a digit separator (`1'000`). One regular expression does the
 * finding: in a short run its code is native from the first file, where a loop over characters
 * costs several times more until V8 has optimised it.
 */
export function blankCode(text: string): string {
  return text.replace(BLANKED, (m) => {
    const c = m.charCodeAt(0);
    if (c === 47) return spaces(m);
    if (c === 34 || c === 39) return m.charAt(0) + spaces(m.slice(1, -1)) + m.charAt(0);
    const hash = m.indexOf("#");
    if (hash !== -1 && c !== 82 && !/^(?:u8|[LuU])R/.test(m)) return m.slice(0, hash + 1) + spaces(m.slice(hash + 1));
    const quote = m.indexOf('"');
    return m.slice(0, quote + 1) + spaces(m.slice(quote + 1, -1)) + '"';
  });
}

/** Spaces for each character of `s` except line breaks and `\r`. */
function spaces(s: string): string {
  return s.includes("\n") || s.includes("\r") ? s.replace(/[^\r\n]/g, " ") : " ".repeat(s.length);
}

/** A directive: from a `#` that starts a line, through continuations and the comments and literals on it. */
const DIRECTIVE_LINE = String.raw`^[ \t]*#(?:[^\n\\/"']|${ESCAPE}|${BLOCK_COMMENT}|${LINE_COMMENT}|${STRING}|${CHAR}|["'/])*`;
const BLANKED = new RegExp(`${DIRECTIVE_LINE}|${RAW_STRING}|${BLOCK_COMMENT}|${LINE_COMMENT}|${STRING}|${CHAR_LITERAL}`, "gm");
