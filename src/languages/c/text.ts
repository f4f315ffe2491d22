/**
 * C and C++ text without parsing it: the cheap looks that decide whether a file needs the parser
 * (`c/misleading-indentation`'s pre-filter) and which grammar a `.h` header needs (detect.ts).
 */

/**
 * Strings, character literals and comments, in one pass: strings are matched (and kept) so that a
 * `//` inside one is not taken for a comment.
 */
const STRINGS_AND_COMMENTS = /"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/**
 * The text with each comment replaced by a space, and each string or character literal kept
 * (`literals: "keep"`) or emptied to `""` (`"empty"`: words inside them do not count either).
 */
export function withoutComments(text: string, literals: "keep" | "empty"): string {
  return text.replace(STRINGS_AND_COMMENTS, (m) => (m.startsWith("/") ? " " : literals === "keep" ? m : '""'));
}
