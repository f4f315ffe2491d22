import { defineRule, type Node, type RuleContext } from "../../engine/rule.js";
import { braceFix, braceOnOwnLine, type BraceStyle } from "./_brace-fix.js";
import { endOfDirective, endOfLineComment, endOfLiteral, isBlank, isIdentPart, isIdentStart, isPragma, isMisleading, locate, onlyBlanksBefore, type Guard, type Layout } from "./_layout.js";
import { mayMislead } from "./_prefilter.js";

/**
 * GCC's `-Wmisleading-indentation` (gcc/c-family/c-indentation.cc) on the tree-sitter tree and
 * the raw text. Each braceless body of `if`, `else`, `for`, `while` (and C++ range-`for`) is
 * compared with the first token after it, under the conditions of GCC's
 * `should_warn_for_misleading_indentation`. That next token is found in the text (comments and
 * directive lines skipped), because tree-sitter nests statements inside `#ifdef` blocks.
 */

type Options = { tabWidth: number };
type MacroKind = "object" | "function";

/** What GCC's checks need to know about a token: its offset and the few types they test. */
interface Token {
  offset: number;
  kind: "close-brace" | "open-brace" | "semicolon" | "else" | "pragma" | "other";
}

/** Per-file facts, gathered while the engine walks the tree (never module-level). */
interface FileState {
  /** Macros defined in this file with an empty replacement: GCC sees no token for them. */
  readonly emptyMacros: Map<string, MacroKind>;
  /** Offset of the first `#line` / `# 42 "file"` directive (GCC gives up after one), lazily. */
  lineDirective: number | undefined;
  /** Whether the tree has any ERROR or MISSING node, lazily. */
  treeHasError: boolean | undefined;
  /** Every name the file `#define`s (the fix treats a call of one as a possible macro). */
  readonly defined: Set<string>;
  /** How the file's `if`/`else`/`for`/`while` blocks place their `{` (the fix follows the majority). */
  readonly braces: { sameLine: number; ownLine: number };
  /**
   * Findings wait for the end of the walk: their fixes need the whole file's brace style and
   * `#define`s, gathered from the nodes the walk visits anyway (no second walk of the tree).
   */
  readonly findings: Array<(style: BraceStyle, macros: ReadonlySet<string>) => void>;
}

/** Nodes that stand for the next statement are not grown past these when choosing the report range. */
const CONTAINERS = new Set([
  "translation_unit",
  "compound_statement",
  "case_statement",
  "declaration_list",
  "field_declaration_list",
  "preproc_if",
  "preproc_ifdef",
  "preproc_else",
  "preproc_elif",
  "preproc_elifdef",
  "linkage_specification",
  "ERROR",
]);

export default defineRule<Options>({
  id: "c/misleading-indentation",
  languages: ["c", "cpp"],
  severity: "error",
  fix: "sometimes",
  tags: ["correctness", "security", "readability"],
  precision: "high",
  // Every finding is about a guard whose body is not a block and a next statement that its layout
  // makes look guarded: a file without one is not parsed (_prefilter.ts).
  mayReport: (text, options) => mayMislead(text, options.tabWidth),
  options: {
    tabWidth: {
      type: "integer",
      default: 8,
      minimum: 1,
      description: "Columns between tab stops when expanding tabs to visual columns (GCC's `-ftabstop`).",
    },
  },
  docs: {
    summary: "A statement indented as if an `if`, `else`, `for` or `while` without braces guarded it",
    why: [
      "Without braces, `if`, `else`, `for` and `while` guard exactly one statement. A following",
      "statement at the same indentation *looks* guarded but always runs. This is how Apple's",
      "`goto fail` bug (CVE-2014-1266) skipped TLS signature verification: a duplicated",
      "`goto fail;` under an `if` jumped past the check every time, with the result still",
      "`0` (success).",
      "",
      "The rule follows GCC's `-Wmisleading-indentation`: tabs are expanded to visual columns, a",
      "body that is not indented past its guard line is left alone (generated code), and a line",
      "between the two statements that is indented less than both (such as `#endif` in column",
      "0) silences it. Add braces around the statements that belong to the guard, or unindent",
      "the statement that does not.",
    ].join("\n"),
    bad: [
      {
        file: "example.c",
        code: [
          "int verify(int err, int (*update)(void)) {",
          "\tif ((err = update()) != 0)",
          "\t\tgoto fail;",
          "\t\tgoto fail;",
          "\tif ((err = update()) != 0)",
          "\t\tgoto fail;",
          "fail:",
          "\treturn err;",
          "}",
          "",
        ].join("\n"),
      },
      {
        file: "example.c",
        code: [
          "void reset(int *v, int n) {",
          "    for (int i = 0; i < n; i++)",
          "        v[i] = 0;",
          "        n--;",
          "}",
          "",
        ].join("\n"),
      },
      {
        file: "example.cpp",
        code: [
          "#include <vector>",
          "int total(const std::vector<int>& xs) {",
          "  int sum = 0, count = 0;",
          "  for (int x : xs)",
          "    sum += x;",
          "    count++;",
          "  return count ? sum / count : 0;",
          "}",
          "",
        ].join("\n"),
      },
    ],
    good: [
      {
        file: "example.c",
        code: [
          "int verify(int err, int (*update)(void)) {",
          "\tif ((err = update()) != 0)",
          "\t\tgoto fail;",
          "\tif ((err = update()) != 0)",
          "\t\tgoto fail;",
          "fail:",
          "\treturn err;",
          "}",
          "",
        ].join("\n"),
      },
      {
        file: "example.c",
        code: [
          "void reset(int *v, int n) {",
          "    for (int i = 0; i < n; i++) {",
          "        v[i] = 0;",
          "        n--;",
          "    }",
          "}",
          "",
        ].join("\n"),
      },
      {
        file: "example.cpp",
        code: [
          "#include <vector>",
          "int total(const std::vector<int>& xs) {",
          "  int sum = 0, count = 0;",
          "  for (int x : xs) {",
          "    sum += x;",
          "    count++;",
          "  }",
          "  return count ? sum / count : 0;",
          "}",
          "",
        ].join("\n"),
      },
    ],
    related: [
      "GCC -Wmisleading-indentation",
      "clang -Wmisleading-indentation",
      "clang-tidy readability-misleading-indentation",
    ],
    notes: [
      "The conditions are GCC's (`should_warn_for_misleading_indentation` in",
      "`gcc/c-family/c-indentation.cc`): the one-line form `if (x) a(); b();` is reported when",
      "the guard is the first thing on its line, and so is an empty body `if (x);` followed by an",
      "indented statement. `do` and `switch` are never checked; a `}`, `else` or `;` after the",
      "body is not misleading. A comment line between the two statements counts like any other",
      "line: indented less than both, it silences the check (as in GCC). Set `tabWidth` to the",
      "`-ftabstop` you compile with.",
      "",
      "Deliberate differences from GCC, which sees the preprocessed token stream:",
      "",
      "- **Macros are not expanded.** A guard that comes from a macro (`#define unless(c) if (!(c))`,",
      "  `FOREACH(i)`, `LIST_FOREACH(p, head)` loops) is not seen, and neither is a guard, body and",
      "  next statement all inside one macro definition: those are missed. A macro that expands",
      "  to nothing is known only when its `#define` with an empty replacement is in the same file",
      "  above the use; there, as in GCC, `emit b();` after the body is not misleading, and a",
      "  body written `emit a();` is aligned by its `a`.",
      "- **Preprocessor conditionals are not evaluated.** The next statement is the first one in",
      "  the text after the body, skipping directive lines, as if every `#if` held: with",
      "  `#ifdef UNDEFINED` indented at the body's column, deploylint reports the statement inside",
      "  the block and GCC the one after `#endif`. A `#pragma` after the body silences the check",
      "  (GCC is silent for the pragmas it knows, such as `#pragma GCC diagnostic`, and skips",
      "  those it does not, such as `#pragma omp` without `-fopenmp`).",
      "- **Unparsable code is skipped.** Where tree-sitter recovered from a syntax error (usually",
      "  an unexpanded macro), a guard is checked only if the `)` closing its condition is the real",
      "  one, its body begins and ends with real tokens (a `;` or `}` last), and the next statement",
      "  does not start an error region of its own. A `.h` file is parsed as C++ when its text",
      "  uses C++ (`namespace`, `template <`, `class X {`, `std::`…; config `languages` can say",
      "  otherwise); C++ that hides in a header without such a sign is parsed as C, and guards",
      "  near C++-only syntax there are skipped.",
      "- **A single-character line counts as an unindent.** GCC 12 never examines the last",
      "  character of a line in that check, so a lone `}` in column 0 between the body and the next",
      "  statement does not silence it in an LF file (it does in a CRLF file). deploylint examines",
      "  every character, so LF and CRLF files give the same result.",
      "- **Columns count characters** (tabs expanded to `tabWidth`); GCC counts bytes, which differs",
      "  only when non-ASCII text precedes a token on its line.",
      "- **Reported at the statement** that looks guarded (GCC's note), with the guard as the",
      "  related location (GCC's warning).",
      "",
      "As in GCC, a `#line` or `# 42 \"file\"` directive turns the check off from there on (generated",
      "code).",
      "",
      "**Fix** (safe): braces around the body as it is executed, and the misleading statement moved",
      "out to the guard's indentation, so the indentation tells the truth and the code does what it",
      "did before: in the first example, the first `goto fail;` gets braces and the second moves out",
      "to the `if`'s column, where it always ran. Bracing both statements would change what",
      "runs, so it is never offered: if the second statement was meant to be guarded, that is a bug",
      "to fix by hand. The `{` goes where the file's other blocks put it (end of the header line,",
      "or a line of its own), indentation is copied (tabs stay tabs). Offered only for a simple",
      "body (an expression, `return`, `goto`, `break` or `continue`) on lines of its own, in a",
      "function without syntax errors, with no preprocessor line in between; unsafe when the body calls",
      "something that looks like a macro (`ALL_CAPS(…)` or a name `#define`d in the file), which",
      "might expand to several statements.",
    ].join("\n"),
  },
  check(ctx) {
    const state: FileState = {
      emptyMacros: new Map(),
      lineDirective: undefined,
      treeHasError: undefined,
      defined: new Set(),
      braces: { sameLine: 0, ownLine: 0 },
      findings: [],
    };
    const tabWidth = ctx.options.tabWidth;

    ctx.on("preproc_def", (node) => noteEmptyMacro(state, node, "object"));
    ctx.on("preproc_function_def", (node) => noteEmptyMacro(state, node, "function"));
    ctx.on("if_statement", (node) => {
      const consequence = node.childForFieldName("consequence");
      // With an `else`, the token after the body is `else`: GCC is silent for the `if` itself.
      if (node.childForFieldName("alternative")) noteBraces(ctx.source.text, state, consequence);
      else checkGuard(ctx, state, tabWidth, "if", node, consequence);
    });
    ctx.on("else_clause", (node) => checkGuard(ctx, state, tabWidth, "else", node, elseBody(node)));
    const loop = (guard: Guard) => (node: Node) =>
      checkGuard(ctx, state, tabWidth, guard, node, node.childForFieldName("body"));
    ctx.on("for_statement", loop("for"));
    ctx.on("for_range_loop", loop("for"));
    ctx.on("while_statement", loop("while"));
    ctx.onEnd(() => {
      const style: BraceStyle = state.braces.ownLine > state.braces.sameLine ? "next-line" : "same-line";
      for (const report of state.findings) report(style, state.defined);
    });
  },
});

/** Counts where a block body's `{` is: on its header's line or on a line of its own. */
function noteBraces(text: string, state: FileState, body: Node | null): void {
  if (body?.type !== "compound_statement") return;
  if (braceOnOwnLine(text, body.startIndex)) state.braces.ownLine++;
  else state.braces.sameLine++;
}

function noteEmptyMacro(state: FileState, node: Node, kind: MacroKind): void {
  const name = node.childForFieldName("name");
  if (!name) return;
  state.defined.add(name.text);
  if (!node.childForFieldName("value")) state.emptyMacros.set(name.text, kind);
}

/** The statement of an `else_clause` (its last named child that is not a comment). */
function elseBody(node: Node): Node | null {
  for (let i = node.namedChildCount - 1; i >= 0; i--) {
    const child = node.namedChild(i);
    if (child && child.type !== "comment") return child;
  }
  return null;
}

/**
 * The whole check for one guard: `stmt` is the guarding statement (or `else_clause`), whose first
 * token is the guard keyword, and `body` its guarded statement.
 */
function checkGuard(
  ctx: RuleContext<Options>,
  state: FileState,
  tabWidth: number,
  guard: Guard,
  stmt: Node,
  body: Node | null,
): void {
  const text = ctx.source.text;
  if (body?.type === "compound_statement") noteBraces(text, state, body);
  if (!body || body.type === "compound_statement" || body.type.startsWith("preproc_")) return;
  const errors = treeHasError(state, stmt);
  if (errors && !soundGuard(text, stmt, body, state.emptyMacros)) return;
  const bodyToken = tokenAt(text, body.startIndex, state.emptyMacros);
  const next = tokenAt(text, body.endIndex, state.emptyMacros);
  if (!bodyToken || !next) return;
  // After `}`, `else`, a stray `;` or a pragma, control flow is plain whatever the indentation.
  if (next.kind !== "other" && next.kind !== "open-brace") return;
  if (next.offset > lineDirectiveOffset(state, text)) return;
  if (bodyToken.kind === "open-brace") return;

  const layout: Layout = {
    guard,
    emptyBody: bodyToken.kind === "semicolon",
    nextIsBrace: next.kind === "open-brace",
    guardAt: locate(ctx.source, stmt.startIndex, tabWidth),
    bodyAt: locate(ctx.source, bodyToken.offset, tabWidth),
    nextAt: locate(ctx.source, next.offset, tabWidth),
  };
  if (!isMisleading(ctx.source, tabWidth, layout)) return;
  if (errors && !soundNext(stmt, next.offset)) return;

  const { guardAt, bodyAt, nextAt, emptyBody } = layout;
  const lineEnd = ctx.source.lineEnd(nextAt.line);
  const statement = statementAt(stmt, next.offset);
  // The fix: only where tokens and nodes agree (no syntax error in the function, no empty macro
  // at either end).
  const clean = !errors || enclosingFunction(stmt)?.hasError === false;
  const fixable = clean && !emptyBody && statement && bodyToken.offset === body.startIndex && statement.startIndex === next.offset;
  const at = { start: next.offset, end: statement ? Math.min(statement.endIndex, lineEnd) : lineEnd };
  const msg = message(guard, guardAt.line, bodyAt.line, nextAt.line, emptyBody);
  const related = [
    {
      at: { start: stmt.startIndex, end: stmt.startIndex + guard.length },
      message: relatedMessage(guard, bodyAt.line, nextAt.line, emptyBody),
    },
  ];
  state.findings.push((style, macros) => {
    const fix = fixable && statement ? braceFix({ source: ctx.source, stmt, body, next: statement, style, macros }) : undefined;
    // The statement, or its first line when it spans several (a whole loop would be too much).
    ctx.report({ at, message: msg, related, ...(fix ? { fix } : {}) });
  });
}

/**
 * The first token at or after `offset` as GCC's lexer would hand it over: whitespace, comments,
 * preprocessor directive lines and uses of macros defined empty in this file are skipped.
 * Undefined at the end of the text.
 */
function tokenAt(text: string, offset: number, emptyMacros: ReadonlyMap<string, MacroKind>): Token | undefined {
  let i = offset;
  let lineStart = onlyBlanksBefore(text, offset);
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      i++;
    } else if (isBlank(c)) {
      i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      i = endOfLineComment(text, i);
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === 35 && lineStart) {
      // GCC hands the pragmas it knows (`GCC diagnostic`, `pack`, `weak`…) to the parser as a token.
      if (isPragma(text, i)) return { offset: i, kind: "pragma" };
      i = endOfDirective(text, i);
    } else if (c === 92 && isLineBreakAt(text, i + 1)) {
      i = text.indexOf("\n", i) + 1; // a backslash-newline joins two lines: no token, no new line
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
      const name = text.slice(i, end);
      const macro = emptyMacros.get(name);
      const skipped = macro ? skipEmptyMacroUse(text, end, macro) : undefined;
      if (skipped === undefined) return { offset: i, kind: name === "else" ? "else" : "other" };
      lineStart = false;
      i = skipped;
    } else {
      const kind = c === 125 ? "close-brace" : c === 123 ? "open-brace" : c === 59 ? "semicolon" : "other";
      return { offset: i, kind };
    }
  }
  return undefined;
}

function isLineBreakAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10);
}

/**
 * End of an empty macro's use starting after its name at `from`: the name alone for an
 * object-like macro; the name and its parenthesised arguments for a function-like one (which is
 * no macro call without them, so `undefined`).
 */
function skipEmptyMacroUse(text: string, from: number, kind: MacroKind): number | undefined {
  if (kind === "object") return from;
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 40) return undefined;
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i + 1;
    else if (c === 34 || c === 39) i = endOfLiteral(text, i, c);
  }
  return undefined;
}

function lineDirectiveOffset(state: FileState, text: string): number {
  if (state.lineDirective === undefined) {
    const at = text.search(/^[ \t]*#[ \t]*(?:line\b|[0-9])/m);
    state.lineDirective = at === -1 ? Infinity : at;
  }
  return state.lineDirective;
}

function treeHasError(state: FileState, node: Node): boolean {
  state.treeHasError ??= node.tree.rootNode.hasError;
  return state.treeHasError;
}

/**
 * In a tree with errors: is what tree-sitter calls the header and the body what GCC sees? The
 * header must end in the real `)` that closes its `(` (an ERROR inside the parentheses leaves the
 * body where it is) and have no ERROR of its own between the keyword and the body, except one
 * word between `if` and `(` (`if _GLIBCXX17_CONSTEXPR (c)`) and a macro defined empty in this
 * file before the body (`if (x)\n  emit foo();`, which GCC does not see either). The body must
 * be no ERROR and begin and end with real tokens, the last a `;` or `}`: a macro call without
 * its `;` (`LIST_FOREACH(p, head)`) is taken for a whole statement when it is a loop header.
 */
function soundGuard(text: string, stmt: Node, body: Node, emptyMacros: ReadonlyMap<string, MacroKind>): boolean {
  return soundHeader(text, stmt, body, emptyMacros) && soundBody(body);
}

function soundHeader(text: string, stmt: Node, body: Node, emptyMacros: ReadonlyMap<string, MacroKind>): boolean {
  let open = -1;
  let last: Node | null = null;
  let errors = false;
  for (let i = 0; i < stmt.childCount; i++) {
    const child = stmt.child(i);
    if (!child || child.startIndex >= body.startIndex) break;
    if (child.isMissing) return false;
    if (child.isError) {
      // `if _GLIBCXX17_CONSTEXPR (c)`: one word before the condition can only be a macro for
      // `constexpr` (or nothing); before the body, only a macro this file defines as empty.
      const word = child.childCount === 1 && child.firstChild?.type === "identifier";
      const macroWord = word && open < 0 && stmt.type === "if_statement";
      if (!macroWord && emptyMacros.get(child.text) !== "object") return false;
      continue;
    }
    if (child.type === "comment") continue;
    if (open < 0 && text.charCodeAt(child.startIndex) === 40) open = child.startIndex;
    errors ||= child.hasError;
    last = child;
  }
  if (!errors) return true;
  // An ERROR inside the parentheses leaves the body in place, if the `)` is the one that closes
  // the `(` (error recovery may have taken a later one, with statements in between).
  return open >= 0 && last !== null && closesAt(text, open, last.endIndex);
}

/**
 * Whether the `(` at `open` is closed by the `)` just before `end` and by no earlier one
 * (string and character literals and comments skipped).
 */
function closesAt(text: string, open: number, end: number): boolean {
  if (text.charCodeAt(end - 1) !== 41) return false;
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i === end - 1;
    else if (c === 34 || c === 39) i = endOfLiteral(text, i, c);
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      i = close === -1 ? end : close + 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) i = endOfLineComment(text, i) - 1;
  }
  return false;
}

function soundBody(body: Node): boolean {
  if (body.isError || body.isMissing || body.startIndex === body.endIndex) return false;
  if (!body.hasError) return true;
  const first = cleanEdgeLeaf(body, false);
  const last = cleanEdgeLeaf(body, true);
  return first !== undefined && last !== undefined && (last.type === ";" || last.type === "}");
}

/** The first (or last) leaf of `node`, if no node on the way down to it is ERROR or MISSING. */
function cleanEdgeLeaf(node: Node, last: boolean): Node | undefined {
  let n: Node | null = node;
  while (n) {
    if (n.isError || n.isMissing) return undefined;
    if (n.childCount === 0) return n;
    n = last ? n.lastChild : n.firstChild;
  }
  return undefined;
}

/**
 * In a tree with errors: the next token must not be a MISSING token, nor start an error region
 * the guard is not part of (an ERROR node holding it but not the guard).
 */
function soundNext(stmt: Node, offset: number): boolean {
  const leaf = stmt.tree.rootNode.descendantForIndex(offset, offset + 1);
  for (let n: Node | null = leaf; n; n = n.parent) {
    if (n.isMissing) return false;
    if (n.isError) return n.startIndex <= stmt.startIndex && stmt.endIndex <= n.endIndex;
  }
  return true;
}

/** The function definition around a node, if any. */
function enclosingFunction(node: Node): Node | undefined {
  for (let n: Node | null = node.parent; n; n = n.parent) if (n.type === "function_definition") return n;
  return undefined;
}

/** The largest node that starts at the next token without being a block (the report range). */
function statementAt(stmt: Node, offset: number): Node | undefined {
  let node: Node | null = stmt.tree.rootNode.descendantForIndex(offset, offset + 1);
  if (!node || node.startIndex !== offset) return undefined;
  for (let parent = node.parent; parent && parent.startIndex === offset && !CONTAINERS.has(parent.type); ) {
    node = parent;
    parent = node.parent;
  }
  return node;
}

function message(guard: Guard, guardLine: number, bodyLine: number, nextLine: number, emptyBody: boolean): string {
  const head = `statement is indented as if it were guarded by the '${guard}' on line ${guardLine}, but it is not`;
  if (emptyBody) {
    const why = `the '${guard}' has an empty body (the ';' on line ${bodyLine}), so this runs unconditionally`;
    return `${head}: ${why}; remove the stray ';' or fix the indentation`;
  }
  const only = bodyLine === nextLine ? "the statement before it on this line" : `the statement on line ${bodyLine}`;
  return `${head}: without braces the '${guard}' guards only ${only}; add braces or fix the indentation`;
}

function relatedMessage(guard: Guard, bodyLine: number, nextLine: number, emptyBody: boolean): string {
  if (emptyBody) return `this '${guard}' guards only an empty statement`;
  if (bodyLine === nextLine) return `this '${guard}' guards only the first statement on line ${bodyLine}`;
  return `this '${guard}' guards only the statement on line ${bodyLine}`;
}
