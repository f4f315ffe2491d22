/**
 * A line parser for GNU Makefiles: rules with their recipes, variable assignments and includes.
 * Nothing is expanded or evaluated; conditionals are not decided (a recipe line inside
 * `ifeq … else … endif` belongs to the rule around it, whichever branch it is in).
 *
 * How GNU make reads a line (read.c, `eval`), in this order:
 * 1. Physical lines ending in an odd number of backslashes are joined into one logical line.
 * 2. A logical line that starts with the recipe prefix (a tab, or `.RECIPEPREFIX`) while a rule
 *    is open is a recipe line, whatever else it holds (even `ifeq` or `# …`: the shell gets it).
 * 3. Otherwise blank lines and comment lines are skipped; they do not close the open rule, nor
 *    do conditional directives.
 * 4. A variable assignment (`X = y`, `:=`, `::=`, `:::=`, `?=`, `+=`, `!=`, with `override`,
 *    `export`, `private`), a `define … endef` block, `include` and the other directives close
 *    the open rule: tab lines after them are not its recipe.
 * 5. A line with a `:` outside variable references is a rule; a `;` before any `#` starts a
 *    recipe on the same line.
 */
import { type PhysicalLine, physicalLines, skipBlanks } from "../lines.js";
import { closingBracket, findUnquoted, flatten, logicalLast, splitWords } from "./lines.js";

export interface RecipeLine {
  /**
   * Host offsets of the logical line, continuation lines included: from its recipe prefix (or
   * just after the `;`) to the end of its last line.
   */
  start: number;
  end: number;
  /** The `@`, `-` and `+` characters before the command, in the order written (blanks between them dropped). */
  prefixes: string;
  /** Host offset of the command: after the recipe prefix, blanks and `@-+`. */
  textStart: number;
  /**
   * The recipe prefix in force (a tab unless `.RECIPEPREFIX` changed it); make removes it from the
   * start of continuation lines too.
   */
  recipePrefix: string;
  /** The `target: prereq ; command` form. */
  sameLine: boolean;
}

export interface MakeRule {
  /** As written (unexpanded): `$(WHEELHOUSE)/requirements.txt`, `%.o`, `.PHONY`. */
  targets: string[];
  /** Normal prerequisites (for a static pattern rule, the prerequisite patterns). */
  prerequisites: string[];
  /** Order-only prerequisites, after `|`. */
  orderOnly: string[];
  /** `target:: prereq`: each double-colon rule is independent, with its own recipe. */
  doubleColon: boolean;
  /** Static pattern rule `objs: %.o: %.c`: the target pattern (`%.o`). */
  targetPattern?: string;
  /** Host offsets from the rule line's start to the end of its last recipe line (or of the rule line). */
  start: number;
  end: number;
  recipe: RecipeLine[];
}

export type AssignmentOperator = "=" | ":=" | "::=" | ":::=" | "?=" | "+=" | "!=" | "define";

export interface MakeVariable {
  name: string;
  op: AssignmentOperator;
  /** The value as written, continuations collapsed, blanks trimmed; a `define` block's body. */
  value: string;
  /** `override`, `export`, `private`, as written before the name. */
  modifiers: string[];
  /** For a target-specific assignment (`build: IMAGE = web`), its targets. */
  targets?: string[];
  start: number;
  end: number;
}

export interface MakeInclude {
  /** `-include` and `sinclude` do not fail on a missing file. */
  optional: boolean;
  paths: string[];
  start: number;
  end: number;
}

export interface MakeDoc {
  rules: MakeRule[];
  variables: MakeVariable[];
  includes: MakeInclude[];
}

const MODIFIERS: ReadonlySet<string> = new Set(["override", "export", "private"]);
const CONDITIONAL = /^(?:ifeq|ifneq|ifdef|ifndef|else|endif)(?=[\s(]|$)/;
const INCLUDES: ReadonlySet<string> = new Set(["include", "-include", "sinclude"]);
/** Directives that are not assignments but still close the open rule. */
const OTHER_DIRECTIVES: ReadonlySet<string> = new Set(["unexport", "vpath", "undefine", "load", "-load", "endef"]);
const ASSIGNMENT_START = /^(?:=|:{1,3}=|[?+!]=)/;

/** The parser's state while it reads one file (local to one `parseMakefile` call). */
interface Reader {
  readonly text: string;
  readonly lines: readonly PhysicalLine[];
  readonly doc: MakeDoc;
  /** The rule whose recipe the following recipe lines extend, if one is open. */
  open: MakeRule | undefined;
  recipePrefix: string;
}

export function parseMakefile(text: string): MakeDoc {
  const reader: Reader = {
    text,
    lines: physicalLines(text),
    doc: { rules: [], variables: [], includes: [] },
    open: undefined,
    recipePrefix: "\t",
  };
  let i = 0;
  while (i < reader.lines.length) {
    const last = logicalLast(text, reader.lines, i);
    const start = (reader.lines[i] as PhysicalLine).start;
    const end = (reader.lines[last] as PhysicalLine).end;
    if (reader.open && text[start] === reader.recipePrefix) {
      addRecipeLine(reader, reader.open, start + 1, end, false);
      i = last + 1;
    } else {
      i = readDirectiveOrRule(reader, i, last);
    }
  }
  return reader.doc;
}

/** Records a recipe line whose text (prefixes included) starts at `from`. */
function addRecipeLine(reader: Reader, rule: MakeRule, from: number, end: number, sameLine: boolean): void {
  const { text } = reader;
  let textStart = from;
  let prefixes = "";
  // make skips blanks and `@-+` in any mix (commands.c `chop_commands`, job.c `start_job_command`).
  for (; textStart < end; textStart++) {
    const ch = text[textStart] as string;
    if (ch === "@" || ch === "-" || ch === "+") prefixes += ch;
    else if (ch !== " " && ch !== "\t") break;
  }
  rule.recipe.push({
    start: sameLine ? from : from - 1,
    end,
    prefixes,
    textStart,
    recipePrefix: reader.recipePrefix,
    sameLine,
  });
  rule.end = Math.max(rule.end, end);
}

/** Reads the logical line `[i, last]`, which is not a recipe line; returns the next line to read. */
function readDirectiveOrRule(reader: Reader, i: number, last: number): number {
  const { text, lines } = reader;
  const start = (lines[i] as PhysicalLine).start;
  const end = (lines[last] as PhysicalLine).end;
  const flat = flatten(text, start, end);
  const begin = skipBlanks(flat, 0);
  const hash = findUnquoted(flat, begin, flat.length, "#", false);
  const codeEnd = hash === -1 ? flat.length : hash;
  if (skipBlanks(flat, begin, codeEnd) === codeEnd) return last + 1; // blank or comment: the rule stays open

  const { modifiers, at } = readModifiers(flat, begin, codeEnd);
  const word = firstWord(flat, at, codeEnd);
  if (word === "define") return readDefine(reader, i, last, flat, at + word.length, modifiers);

  const assignment = parseAssignment(flat, at, codeEnd);
  if (assignment) {
    const variable: MakeVariable = {
      name: collapse(flat.slice(at, assignment.nameEnd)),
      op: assignment.op,
      value: collapse(flat.slice(assignment.valueStart, codeEnd)),
      modifiers,
      start: start + begin,
      end: start + trimEnd(flat, codeEnd),
    };
    reader.doc.variables.push(variable);
    if (variable.name === ".RECIPEPREFIX" && variable.op !== "+=" && variable.op !== "!=") {
      reader.recipePrefix = variable.value.charAt(0) || "\t";
    }
    reader.open = undefined;
    return last + 1;
  }
  if (modifiers.length > 0 || INCLUDES.has(word) || OTHER_DIRECTIVES.has(word)) {
    if (INCLUDES.has(word)) {
      reader.doc.includes.push({
        optional: word !== "include",
        paths: splitWords(flat.slice(at + word.length, codeEnd)),
        start: start + begin,
        end: start + trimEnd(flat, codeEnd),
      });
    }
    reader.open = undefined;
    return last + 1;
  }
  if (CONDITIONAL.test(flat.slice(at, codeEnd))) return last + 1;

  reader.open = readRule(reader, flat, start, at, end);
  return last + 1;
}

/** `override`/`export`/`private` before an assignment or `define` (but `export = 1` assigns `export`). */
function readModifiers(flat: string, from: number, to: number): { modifiers: string[]; at: number } {
  const modifiers: string[] = [];
  let at = from;
  for (;;) {
    const word = firstWord(flat, at, to);
    if (!MODIFIERS.has(word)) break;
    const after = skipBlanks(flat, at + word.length, to);
    if (ASSIGNMENT_START.test(flat.slice(after, to))) break; // `export = 1` assigns the variable `export`
    modifiers.push(word);
    at = after;
  }
  return { modifiers, at };
}

function firstWord(s: string, from: number, to: number): string {
  let j = from;
  while (j < to && !/\s/.test(s[j] as string)) j++;
  return s.slice(from, j);
}

/**
 * make's `parse_variable_definition`: the first `=`, `:=`, `::=`, `:::=`, `?=`, `+=` or `!=`
 * outside variable references makes an assignment, unless a lone `:` (a rule) or a blank
 * followed by something else (two words: not a variable name) comes first.
 */
function parseAssignment(
  s: string,
  from: number,
  to: number,
): { nameEnd: number; op: AssignmentOperator; valueStart: number } | undefined {
  let i = from;
  let nameEnd = -1;
  while (i < to) {
    const ch = s[i] as string;
    if (/\s/.test(ch)) {
      nameEnd = i;
      i = skipBlanks(s, i, to);
      const op = operatorAt(s, i, to);
      return op && i > from ? { nameEnd, op, valueStart: skipBlanks(s, i + op.length, to) } : undefined;
    }
    if (ch === "$") {
      const next = s[i + 1];
      const close = next === "(" || next === "{" ? closingBracket(s, i + 1, to) : -1;
      i = close === -1 ? i + 2 : close + 1;
      continue;
    }
    const op = operatorAt(s, i, to);
    if (op) return i > from ? { nameEnd: i, op, valueStart: skipBlanks(s, i + op.length, to) } : undefined;
    if (ch === ":") return undefined;
    i++;
  }
  return undefined;
}

function operatorAt(s: string, i: number, to: number): Exclude<AssignmentOperator, "define"> | undefined {
  const m = ASSIGNMENT_START.exec(s.slice(i, Math.min(to, i + 4)));
  return m ? (m[0] as Exclude<AssignmentOperator, "define">) : undefined;
}

/** `define NAME [op]` … `endef` (nested `define`s counted): recorded as a variable, its body skipped. */
function readDefine(
  reader: Reader,
  i: number,
  last: number,
  flat: string,
  afterKeyword: number,
  modifiers: string[],
): number {
  const { text, lines } = reader;
  const start = (lines[i] as PhysicalLine).start;
  const head = splitWords(flat.slice(afterKeyword, findUnquotedOrEnd(flat, afterKeyword)));
  let depth = 1;
  let j = last + 1;
  let bodyEnd = text.length;
  let defineEnd = text.length;
  while (j < lines.length) {
    const jLast = logicalLast(text, lines, j);
    const l = lines[j] as PhysicalLine;
    const lineFlat = flatten(text, l.start, (lines[jLast] as PhysicalLine).end);
    const { at } = readModifiers(lineFlat, skipBlanks(lineFlat, 0), lineFlat.length);
    const word = firstWord(lineFlat, at, lineFlat.length);
    if (word === "define") depth++;
    else if (word === "endef" && --depth === 0) {
      bodyEnd = l.start;
      defineEnd = (lines[jLast] as PhysicalLine).end;
      j = jLast + 1;
      break;
    }
    j = jLast + 1;
  }
  const bodyStart = (lines[last] as PhysicalLine).next;
  reader.doc.variables.push({
    name: head.filter((w) => !ASSIGNMENT_START.test(w)).join(" "),
    op: "define",
    value: text.slice(bodyStart, Math.max(bodyStart, bodyEnd)).replace(/\r?\n$/, ""),
    modifiers,
    start,
    end: defineEnd,
  });
  reader.open = undefined;
  return j;
}

function findUnquotedOrEnd(s: string, from: number): number {
  const hash = findUnquoted(s, from, s.length, "#", false);
  return hash === -1 ? s.length : hash;
}

/**
 * A rule line starting at `flat[at]` (host offset `start + at`); undefined when the line is not
 * a rule (no `:`) or is a target-specific assignment, which records a variable instead. Either
 * way the line closes the previous rule.
 */
function readRule(reader: Reader, flat: string, start: number, at: number, end: number): MakeRule | undefined {
  // The recipe after `;` is cut before comments are: `a: ; echo '#'` runs `echo '#'` (read.c).
  const semiOrHash = findUnquoted(flat, at, flat.length, ";#", true);
  const headEnd = semiOrHash === -1 ? flat.length : semiOrHash;
  const colon = findUnquoted(flat, at, headEnd, ":", true);
  if (colon === -1) return undefined;
  const doubleColon = flat[colon + 1] === ":";
  const grouped = flat[colon - 1] === "&"; // `a b &: c`, grouped targets
  const targets = splitWords(flat.slice(at, grouped ? colon - 1 : colon));
  const restStart = colon + (doubleColon ? 2 : 1);

  if (findUnquoted(flat, restStart, headEnd, "=", true) !== -1) {
    recordTargetVariable(reader, flat, start, at, restStart, headEnd, targets);
    return undefined;
  }
  const second = findUnquoted(flat, restStart, headEnd, ":", true);
  const prereqStart = second === -1 ? restStart : second + 1;
  const bar = findUnquoted(flat, prereqStart, headEnd, "|", true);
  const rule: MakeRule = {
    targets,
    prerequisites: splitWords(flat.slice(prereqStart, bar === -1 ? headEnd : bar)),
    orderOnly: bar === -1 ? [] : splitWords(flat.slice(bar + 1, headEnd)),
    doubleColon,
    start: start + at,
    end: start + trimEnd(flat, headEnd),
    recipe: [],
  };
  if (second !== -1) rule.targetPattern = collapse(flat.slice(restStart, second));
  reader.doc.rules.push(rule);
  if (flat[semiOrHash] === ";") addRecipeLine(reader, rule, start + semiOrHash + 1, end, true);
  // A rule without targets (`: foo`, or one whose targets expand to nothing) takes no recipe.
  return targets.length > 0 ? rule : undefined;
}

function recordTargetVariable(
  reader: Reader,
  flat: string,
  start: number,
  at: number,
  from: number,
  to: number,
  targets: string[],
): void {
  const { modifiers, at: nameStart } = readModifiers(flat, skipBlanks(flat, from, to), to);
  const assignment = parseAssignment(flat, nameStart, to);
  if (!assignment) return;
  reader.doc.variables.push({
    name: collapse(flat.slice(nameStart, assignment.nameEnd)),
    op: assignment.op,
    value: collapse(flat.slice(assignment.valueStart, to)),
    modifiers,
    targets,
    start: start + at,
    end: start + trimEnd(flat, to),
  });
}

function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function trimEnd(s: string, to: number): number {
  let i = to;
  while (i > 0 && /\s/.test(s[i - 1] as string)) i--;
  return i;
}
