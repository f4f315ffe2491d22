/**
 * The fix of `c/misleading-indentation`: make the indentation tell the truth without changing
 * what the code does. Braces go around the body as it is executed (the one statement the guard
 * really guards), and the misleadingly indented statement moves out to the guard's indentation:
 *
 * ```c
 * 	if (err != 0)              	if (err != 0) {
 * 		goto fail;      →      		goto fail;
 * 		goto fail;             	}
 *                             	goto fail;
 * ```
 *
 * The closing brace takes the guard's indentation; the moved statement that of the statement it
 * really follows in its block (for nested braceless guards, the outermost one).
 *
 * Bracing the second statement too would change behaviour (that may be what the author meant —
 * the `goto fail` bug was exactly that — but a fix must not decide it silently), so it is never
 * offered. The braces follow the file's style (`{` at the end of the guard's line, or on a line
 * of its own when the file's other `if`/`for`/`while` blocks do that), the indentation strings are
 * copied from the file (tabs stay tabs), and line breaks follow the file's (the engine's
 * `matchLineEndings`).
 *
 * Offered only where the edit is well-defined: a function without syntax errors; a body that is one
 * simple statement (expression, `return`, `goto`, `break`, `continue`) on lines of its own after
 * the guard's header, with nothing but a `//` comment after it on its last line; a next statement
 * that starts a later line and whose lines all start with its first line's indentation; no
 * preprocessor line anywhere from the header to the end of the next statement; no line start
 * inside a multi-line comment or string. `unsafe` instead of `safe` when the body is a call of
 * something that looks like a macro (`ALL_CAPS(...)`, or a name `#define`d in this file): a
 * macro expanding to several statements is guarded only up to its first `;` today, and would be
 * guarded whole inside braces.
 */
import type { FixDescriptor, Node } from "../../engine/rule.js";
import type { SourceText } from "../../engine/source.js";

export type BraceStyle = "same-line" | "next-line";

/** Statements that are one simple statement: bracing them cannot change what they do. */
const SIMPLE_BODIES: ReadonlySet<string> = new Set([
  "expression_statement",
  "return_statement",
  "goto_statement",
  "break_statement",
  "continue_statement",
]);

/** Statements that may be moved out to the guard's indentation. */
function movable(node: Node): boolean {
  return (/_statement$/.test(node.type) || node.type === "declaration") && node.type !== "case_statement" && node.type !== "compound_statement";
}

/** The last child of `stmt` before `body` that is not a comment: `)` of the header, or `else`. */
function headerEnd(stmt: Node, body: Node): Node | null {
  let last: Node | null = null;
  for (let i = 0; i < stmt.childCount; i++) {
    const child = stmt.child(i);
    if (!child || child.startIndex >= body.startIndex) break;
    if (child.type !== "comment") last = child;
  }
  return last;
}

/**
 * Whether a block's `{` (at `brace`) is on a line of its own rather than on its header's line:
 * whether a line break separates it from the header's last token (the `)` or `else`), looking
 * back over blanks and comments. A `//` comment ends with the line break this finds first.
 */
export function braceOnOwnLine(text: string, brace: number): boolean {
  let i = brace - 1;
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      i--;
    } else if (c === 47 && text.charCodeAt(i - 1) === 42) {
      const open = text.lastIndexOf("/*", i - 2);
      if (open === -1) return false;
      if (text.lastIndexOf("\n", i) > open) return true;
      i = open - 1;
    } else {
      return false;
    }
  }
  return false;
}

function leadingBlanks(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? "";
}

/** Rest of a line that may follow a statement we add a brace after: blanks and a `//` comment (not continued). */
function quietRest(rest: string): boolean {
  return /^[ \t]*(\/\/.*)?$/.test(rest) && !rest.endsWith("\\");
}

/** A call or bare name in statement position that may be a macro (`CLEANUP(x);`, `UNLOCK;`). */
function macroLike(body: Node, macros: ReadonlySet<string>): boolean {
  if (body.type !== "expression_statement") return false;
  const expr = body.namedChild(0);
  const callee = expr?.type === "call_expression" ? expr.childForFieldName("function") : expr;
  if (!callee || callee.type !== "identifier") return false;
  return macros.has(callee.text) || /^[A-Z][A-Z0-9_]+$/.test(callee.text);
}

export interface BraceFixInput {
  source: SourceText;
  /** The guarding statement (`if_statement`, `else_clause`, loop) and its braceless body. */
  stmt: Node;
  body: Node;
  /** The misleadingly indented statement (the whole node starting at the next token). */
  next: Node;
  style: BraceStyle;
  macros: ReadonlySet<string>;
}

/** The fix, or undefined where it would not be well-defined (see the module comment). */
export function braceFix({ source, stmt, body, next, style, macros }: BraceFixInput): FixDescriptor | undefined {
  const text = source.text;
  if (!SIMPLE_BODIES.has(body.type) || !movable(next) || body.hasError || next.hasError) return undefined;
  const header = headerEnd(stmt, body);
  if (!header) return undefined;
  const headerLine = source.lineOf(header.endIndex);
  const bodyLine = source.lineOf(body.startIndex);
  const bodyEndLine = source.lineOf(body.endIndex);
  const nextLine = source.lineOf(next.startIndex);
  const nextEndLine = source.lineOf(next.endIndex);
  if (bodyLine <= headerLine || nextLine <= bodyEndLine) return undefined;
  if (/^[ \t]*#/m.test(text.slice(source.lineStart(headerLine), next.endIndex))) return undefined;

  const guardIndent = leadingBlanks(source.lineText(source.lineOf(stmt.startIndex)));
  // The next statement moves to the column of the statement it really follows: the outermost
  // braceless guard around this one (`if (x)\n  if (y)\n    a();\n    b();` runs b() after the
  // outer `if`), which is its sibling in the enclosing block.
  let anchor: Node = stmt;
  while (anchor.parent && !anchor.parent.equals(next.parent as Node)) anchor = anchor.parent;
  if (!anchor.parent || !next.parent) return undefined;
  const nextIndent = leadingBlanks(source.lineText(source.lineOf(anchor.startIndex)));
  const edits: FixDescriptor["edits"] = [];

  // The opening brace.
  const headerRest = text.slice(header.endIndex, source.lineEnd(headerLine));
  if (style === "same-line") {
    edits.push({ start: header.endIndex, end: header.endIndex, text: " {" });
  } else {
    if (!quietRest(headerRest) && !/^[ \t]*\/\*.*\*\/[ \t]*$/.test(headerRest)) return undefined;
    const at = source.lineEnd(headerLine);
    edits.push({ start: at, end: at, text: `\n${guardIndent}{` });
  }

  // The closing brace, on a line of its own after the body's last line.
  if (!quietRest(text.slice(body.endIndex, source.lineEnd(bodyEndLine)))) return undefined;
  const close = source.lineEnd(bodyEndLine);
  edits.push({ start: close, end: close, text: `\n${guardIndent}}` });

  // The next statement, out to the guard's indentation (each of its lines by the same prefix).
  const prefix = leadingBlanks(source.lineText(nextLine));
  if (source.lineStart(nextLine) + prefix.length !== next.startIndex || prefix === nextIndent) return undefined;
  const root = stmt.tree.rootNode;
  for (let line = nextLine; line <= nextEndLine; line++) {
    const content = source.lineText(line);
    if (content.trim() === "") continue;
    if (!content.startsWith(prefix)) return undefined;
    const start = source.lineStart(line);
    if (line > nextLine) {
      // Not inside a multi-line comment, string or continued line: there the blanks are text.
      if (text.slice(source.lineStart(line - 1), source.lineEnd(line - 1)).endsWith("\\")) return undefined;
      const leaf = root.descendantForIndex(start, start);
      if (leaf && leaf.childCount === 0 && leaf.startIndex < start && leaf.endIndex > start) return undefined;
    }
    edits.push({ start, end: start + prefix.length, text: nextIndent });
  }

  const unsafe = macroLike(body, macros);
  return {
    title: "Add braces around the guarded statement and unindent the next one",
    applicability: unsafe ? "unsafe" : "safe",
    edits,
  };
}
