/**
 * Simple commands of a shell region, with wrappers (`sudo`, `exec`, `env A=B`, `nohup`, `time`,
 * `command`, `nice`, `timeout`) stripped, words unquoted, and every position already mapped to the
 * host file. Shell rules see these and nothing of tree-sitter (ShellCheck's CommandCheck).
 */
import type { Node, Tree } from "../treesitter.js";
import type { ArgvRegion, PrecedingScopes, ShellRegion, ShellTextRegion } from "../regions.js";
import { countAtOrBelow } from "../../engine/sorted.js";
import { toHost } from "../regions.js";

export interface ShellWord {
  /** The word as the command will see it when `static`; else the text with quotes removed and expansions kept (`${IMAGE}:v1`). */
  value: string;
  /** No expansion, substitution or glob: `value` is exactly what the program receives. */
  static: boolean;
  /** Host offsets of the word's source text (quotes included). */
  start: number;
  end: number;
}

export interface RegionInfo {
  index: number;
  origin: ShellRegion["origin"];
  kind: ShellRegion["kind"];
  scope: string;
  precededBy: PrecedingScopes;
  label: string;
  assumptions: ShellRegion["assumptions"];
  hostStart: number;
  hostEnd: number;
}

export interface ShellCommand {
  /** The program's base name after wrappers and variable resolution: `docker` for `sudo /usr/bin/docker`. */
  name: string;
  /** The word that named the program. */
  program: ShellWord;
  /** The arguments after the program. */
  args: ShellWord[];
  /** Wrappers that were stripped, outermost first: `["sudo", "exec"]`. */
  wrappers: string[];
  /** The shell replaces itself with this command (`exec`). */
  exec: boolean;
  /** Host offsets of the whole simple command, wrappers and assignments included. */
  start: number;
  end: number;
  region: RegionInfo;
  /** Execution order within the file: regions in the adapter's order, commands in document order. */
  seq: number;
  /** Its failure does not stop the shell: `|| true`, an `if`/`while` condition, the left of `&&`/`||`, `!`, not last in a pipeline. */
  tolerated: boolean;
  /** It may not run at all: the right of `&&`/`||`, inside an `if`/`case` branch or a loop body. */
  conditional: boolean;
  /** Run in the background: with `&`, or inside a statement that is (`a && b &`, `a | b &`, `{ a; } &`). */
  background: boolean;
  /** Inside a function definition (runs only when called). */
  inFunction: boolean;
  /** Inside `$(…)` or backticks. */
  inSubstitution: boolean;
  /** For `-e`-style reasoning: `set -e` (or the host's errexit) is on where this command runs. */
  errexit: boolean;
  /**
   * Set when the command is in tail position: it belongs to the statement that ends its region's
   * program (see `TailPosition`). Undefined elsewhere, and inside loops, subshells, functions and
   * substitutions. An argv region's one command is its own tail statement.
   */
  tail?: TailPosition;
}

/**
 * Where a tail command sits. The tail statements of a program are its last top-level statement
 * and, through `if`/`elif`/`else`, `case` and `{ …; }`, the last statement of each branch or group
 * (comments do not count). Every command of a list or pipeline there is in tail position too
 * (`migrate && gunicorn`, `app | tee log`): any of them may be the last one the program runs.
 * Conditions of `if`/`elif` are not.
 */
export interface TailPosition {
  /** Host range of the innermost tail statement holding the command: commands that share it ran together. */
  start: number;
  end: number;
  /** The command is the whole statement: no list, pipeline, `!` or heredoc pipeline around it at any level (redirections allowed). */
  alone: boolean;
}

/** Wrapper programs and the options of theirs that take a value. */
const WRAPPERS: Record<string, { valued: ReadonlySet<string>; positional?: number }> = {
  sudo: { valued: new Set(["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R"]) },
  exec: { valued: new Set(["-a"]) },
  env: { valued: new Set(["-u", "-C", "-S", "--unset", "--chdir", "--split-string"]) },
  nohup: { valued: new Set() },
  time: { valued: new Set(["-f", "-o", "--format", "--output"]) },
  command: { valued: new Set() },
  nice: { valued: new Set(["-n", "--adjustment"]) },
  timeout: { valued: new Set(["-s", "-k", "--signal", "--kill-after"]), positional: 1 },
  stdbuf: { valued: new Set(["-i", "-o", "-e"]) },
  ionice: { valued: new Set(["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"]) },
};

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i === -1 ? p : p.slice(i + 1);
}

/**
 * Strips wrappers from a word list. Returns undefined when what remains runs no program
 * (`command -v docker` only asks where docker is; `env` alone prints the environment).
 */
export function unwrap(words: readonly ShellWord[]): { words: ShellWord[]; wrappers: string[] } | undefined {
  let i = 0;
  const wrappers: string[] = [];
  while (i < words.length) {
    const w = words[i] as ShellWord;
    const name = basename(w.value);
    const spec = w.static ? WRAPPERS[name] : undefined;
    if (!spec) break;
    if (name === "command" && words.slice(i + 1).some((a) => a.value === "-v" || a.value === "-V")) return undefined;
    wrappers.push(name);
    i++;
    let positional = spec.positional ?? 0;
    while (i < words.length) {
      const a = (words[i] as ShellWord).value;
      if (a === "--") {
        i++;
        break;
      }
      if (a.startsWith("-") && a.length > 1) {
        i += spec.valued.has(a) ? 2 : 1;
        continue;
      }
      if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
        i++;
        continue;
      }
      if (positional > 0) {
        positional--;
        i++;
        continue;
      }
      break;
    }
  }
  if (i >= words.length) return undefined;
  return { words: words.slice(i), wrappers };
}

/** Static variable values seen so far (`DOCKER=/usr/bin/docker`), for `$DOCKER run …`. */
export type VariableValues = Map<string, string>;

function resolveVariable(word: ShellWord, vars: VariableValues): ShellWord[] | undefined {
  if (vars.size === 0 || !word.value.startsWith("$")) return undefined;
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(word.value);
  if (!m) return undefined;
  const value = vars.get((m[1] ?? m[2]) as string);
  if (value === undefined) return undefined;
  const parts = value.split(/\s+/).filter(Boolean);
  if (parts.length === 0) return undefined;
  return parts.map((p) => ({ value: p, static: true, start: word.start, end: word.end }));
}

/** Builds a command from a word list (after assignments). */
export function commandFromWords(
  words: readonly ShellWord[],
  vars: VariableValues,
  base: Omit<ShellCommand, "name" | "program" | "args" | "wrappers" | "exec">,
): ShellCommand | undefined {
  const first = words[0];
  if (!first) return undefined;
  const resolved = resolveVariable(first, vars);
  const all = resolved ? [...resolved, ...words.slice(1)] : [...words];
  const unwrapped = unwrap(all);
  if (!unwrapped) return undefined;
  let rest = unwrapped.words;
  // A variable behind a wrapper: `sudo $DOCKER run`.
  const again = resolveVariable(rest[0] as ShellWord, vars);
  if (again) rest = [...again, ...rest.slice(1)];
  const program = rest[0] as ShellWord;
  // Every field spelled out: V8 reads objects built by spreading (`{ ...base }`) many times slower.
  const cmd: ShellCommand = {
    name: basename(program.value),
    program,
    args: rest.slice(1),
    wrappers: unwrapped.wrappers,
    exec: unwrapped.wrappers.includes("exec"),
    start: base.start,
    end: base.end,
    region: base.region,
    seq: base.seq,
    tolerated: base.tolerated,
    conditional: base.conditional,
    background: base.background,
    inFunction: base.inFunction,
    inSubstitution: base.inSubstitution,
    errexit: base.errexit,
  };
  if (base.tail) cmd.tail = base.tail;
  return cmd;
}

/* ---------------------------------------------------------------- words from tree-sitter-bash */

/** Unquoted value of a tree-sitter-bash argument node; `static` false if anything expands. */
export function wordValue(node: Node): { value: string; static: boolean } {
  switch (node.type) {
    case "word": {
      const t = node.text;
      return { value: t.replace(/\\(.)/gs, "$1"), static: !/[*?[]/.test(t) };
    }
    case "number":
      return { value: node.text, static: true };
    case "raw_string":
      return { value: node.text.slice(1, -1), static: true };
    case "ansi_c_string":
      return { value: node.text.slice(2, -1), static: false };
    case "string":
      return stringValue(node);
    case "concatenation": {
      let value = "";
      let isStatic = true;
      for (const c of node.children) {
        if (!c) continue;
        const v = wordValue(c);
        value += v.value;
        isStatic &&= v.static;
      }
      return { value, static: isStatic };
    }
    default:
      // Expansions, substitutions and anything unrecognised: the value is not known statically.
      return { value: node.text, static: false };
  }
}

/** `"…"`: the text between the quotes with `\"`, `\\`, `\$`, `` \` `` unescaped; expansions kept as text. */
function stringValue(node: Node): { value: string; static: boolean } {
  const text = node.text;
  const inner = text.slice(1, text.endsWith('"') && text.length > 1 ? -1 : undefined);
  let isStatic = true;
  for (const c of node.namedChildren) {
    if (c && c.type !== "string_content") isStatic = false;
  }
  return { value: inner.replace(/\\([\\"$`])/g, "$1"), static: isStatic };
}

/* ---------------------------------------------------------------- walking a region's tree */

/** A parent's children as the walk reads them: looked up once per region, then by index. */
interface Kids {
  nodes: readonly Node[];
  types: readonly string[];
  named: readonly boolean[];
  /** Each child's index, by node id. */
  index: ReadonlyMap<number, number>;
  /** Index of the first `then` keyword (an `if`/`elif`'s condition ends there), -1 if none. */
  thenAt: number;
}

/**
 * A region's tree as the step walk reads it, each fact asked of web-tree-sitter once. Every
 * property of a web-tree-sitter node is a call into WebAssembly, and `parent` and `nextSibling`
 * cost more the deeper and wider the tree (tree-sitter finds a parent by descending from the root,
 * scanning each ancestor's children), while the commands of a region share most of their
 * ancestors: asked per command, a 200 KB script of 3,000 commands in one `if` took 35 s. So each
 * command's ancestors are found by descending from the root through children kept per node id,
 * and siblings are read off the parent's children. A pure cache: what it forgets is asked again.
 * One per `regionSteps` call.
 */
class TreeFacts {
  private readonly typeOf = new Map<number, string>();
  private readonly kidsOf = new Map<number, Kids>();
  private readonly fieldIds = new Map<number, Map<string, ReadonlySet<number>>>();
  /** What every level from a node up to the root adds to the flags of the commands inside it (see `flagsOf`). */
  private readonly flagsOfNode = new Map<number, Flags>();
  /** Whether each node type is named, by type id: a fact of the grammar, asked once a type. */
  private readonly namedType = new Map<number, boolean>();

  constructor(private readonly root: Node) {}

  type(node: Node): string {
    let t = this.typeOf.get(node.id);
    if (t === undefined) {
      t = node.type;
      this.typeOf.set(node.id, t);
    }
    return t;
  }

  kids(node: Node): Kids {
    let k = this.kidsOf.get(node.id);
    if (!k) {
      const nodes: Node[] = [];
      const types: string[] = [];
      const named: boolean[] = [];
      const index = new Map<number, number>();
      const language = this.root.tree.language;
      for (const c of node.children) {
        if (!c) continue;
        // `type` and `isNamed` would each copy the node into WebAssembly memory and call in;
        // its type id takes one such call, and a child's type and namedness follow from it.
        const typeId = c.typeId;
        const type = language.types[typeId] || "ERROR";
        let isNamed = this.namedType.get(typeId);
        if (isNamed === undefined) {
          isNamed = language.nodeTypeIsNamed(typeId);
          this.namedType.set(typeId, isNamed);
        }
        this.typeOf.set(c.id, type);
        index.set(c.id, nodes.length);
        nodes.push(c);
        types.push(type);
        named.push(isNamed);
      }
      k = { nodes, types, named, index, thenAt: types.indexOf("then") };
      this.kidsOf.set(node.id, k);
    }
    return k;
  }

  /** Where `child` stands among its parent's children (-1 if web-tree-sitter lists it nowhere). */
  position(parent: Node, child: Node): number {
    return this.kids(parent).index.get(child.id) ?? -1;
  }

  /** The ids of the children of `node` under field `name`. */
  field(node: Node, name: string): ReadonlySet<number> {
    let fields = this.fieldIds.get(node.id);
    if (!fields) {
      fields = new Map();
      this.fieldIds.set(node.id, fields);
    }
    let ids = fields.get(name);
    if (!ids) {
      ids = new Set(node.childrenForFieldName(name).flatMap((c) => (c ? [c.id] : [])));
      fields.set(name, ids);
    }
    return ids;
  }

  /**
   * `node` and its ancestors, innermost first: found from the root down, at each level the last
   * child starting at or before `node` (a binary search: a node's start is a plain property,
   * no call). Should that lead elsewhere (zero-width nodes share a start), tree-sitter is asked.
   */
  path(node: Node): Node[] {
    const down: Node[] = [this.root];
    for (let at = this.root; at.id !== node.id; ) {
      const next = lastStartingBy(this.kids(at).nodes, node.startIndex);
      if (!next) return ancestorsAsked(node);
      down.push(next);
      at = next;
    }
    return down.reverse();
  }

  /**
   * Keeps what the walk learnt of `next` (a command and its ancestors) and forgets what it learnt
   * of the nodes of `last` it has left: commands come in document order, so no later one is
   * inside those, and the maps hold one command's ancestors. (web-tree-sitter itself keeps each
   * node's children on the node object once asked, so the nodes visited stay reachable from the
   * root until the walk ends: a script of 12,000 commands under one `if`, 0.8 MB, peaked at 196 MB.)
   */
  moveOn(last: readonly Node[], next: readonly Node[]): void {
    // Both paths end at the root, and share their outermost nodes up to where they part: found
    // by a binary search from the root end, so a command nested n deep costs log n here.
    const sameFromRoot = (i: number): boolean => (last[last.length - 1 - i] as Node).id === (next[next.length - 1 - i] as Node).id;
    let lo = 0;
    let hi = Math.min(last.length, next.length);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sameFromRoot(mid)) lo = mid + 1;
      else hi = mid;
    }
    for (let i = 0; i < last.length - lo; i++) this.forget(last[i] as Node);
  }

  flagsAt(node: Node): Flags | undefined {
    return this.flagsOfNode.get(node.id);
  }

  keepFlags(node: Node, flags: Flags): void {
    this.flagsOfNode.set(node.id, flags);
  }

  private forget(node: Node): void {
    for (const c of this.kidsOf.get(node.id)?.nodes ?? []) this.typeOf.delete(c.id);
    this.kidsOf.delete(node.id);
    this.fieldIds.delete(node.id);
    this.flagsOfNode.delete(node.id);
  }
}

/** The last of `nodes` (in document order) that starts at or before `index`. */
function lastStartingBy(nodes: readonly Node[], index: number): Node | undefined {
  return nodes[countAtOrBelow(nodes, index, (n) => n.startIndex) - 1];
}

/** `node` and its ancestors, innermost first, as tree-sitter gives them one `parent` at a time. */
function ancestorsAsked(node: Node): Node[] {
  const out = [node];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}

const CONDITION_PARENTS = new Set(["if_statement", "elif_clause", "while_statement"]);

/** Where a command sits, read off its ancestors (copied onto its `ShellCommand`). */
export interface Flags {
  tolerated: boolean;
  conditional: boolean;
  background: boolean;
  inFunction: boolean;
  inSubstitution: boolean;
}

const NO_FLAGS: Flags = Object.freeze({ tolerated: false, conditional: false, background: false, inFunction: false, inSubstitution: false });

/**
 * Where a node sits, read off its ancestors (`path`: the node, then its ancestors, innermost
 * first). What each level adds is the same for every node below it, so the flags of each
 * ancestor are kept (`TreeFacts.flagsAt`) and a command adds only the levels its predecessor
 * did not share: a statement of n commands joined by `&&` nests n deep.
 */
function flagsOf(tree: TreeFacts, path: readonly Node[]): Flags {
  let known = 0;
  while (known < path.length && tree.flagsAt(path[known] as Node) === undefined) known++;
  let f: Flags;
  if (known === path.length) {
    known = path.length - 1;
    f = NO_FLAGS;
    tree.keepFlags(path[known] as Node, f);
  } else {
    f = tree.flagsAt(path[known] as Node) as Flags;
  }
  for (let i = known - 1; i >= 0; i--) {
    f = withLevel(tree, f, path[i + 1] as Node, path[i] as Node);
    tree.keepFlags(path[i] as Node, f);
  }
  return { ...f };
}

/** `above` with what `parent` adds for `child` (and everything inside `child`). */
function withLevel(tree: TreeFacts, above: Flags, parent: Node, child: Node): Flags {
  const f: Flags = { ...above };
  const t = tree.type(parent);
  const kids = tree.kids(parent);
  const at = tree.position(parent, child);
  // `&` ends the statement it follows and runs all of it in the background: `a && b &`, `a | b &`.
  if (at !== -1 && kids.types[at + 1] === "&") f.background = true;
  if (t === "list") {
    const isLeft = at !== -1 && kids.named.indexOf(true) === at;
    const op = opOf(tree, parent);
    if (isLeft) f.tolerated = true;
    else if (op === "&&" || op === "||") f.conditional = true;
  } else if (t === "pipeline") {
    if (kids.named.lastIndexOf(true) !== at) f.tolerated = true;
  } else if (t === "negated_command") {
    f.tolerated = true;
  } else if (CONDITION_PARENTS.has(t)) {
    if (isConditionOf(tree, parent, child)) f.tolerated = true;
    else f.conditional = true;
  } else if (t === "else_clause" || t === "case_item" || t === "for_statement" || t === "c_style_for_statement") {
    f.conditional = true;
  } else if (t === "function_definition") {
    f.inFunction = true;
  } else if (t === "command_substitution" || t === "process_substitution") {
    f.inSubstitution = true;
  }
  return f;
}

/** Nodes that keep a statement's position for every command inside them. */
const TAIL_TRANSPARENT: ReadonlySet<string> = new Set(["list", "pipeline", "negated_command", "redirected_statement", "heredoc_redirect"]);

/** Blocks whose last statement ends them (a `case` item, an `if` branch, a `{ …; }` group, the program). */
const TAIL_BLOCKS: ReadonlySet<string> = new Set(["program", "compound_statement", "if_statement", "elif_clause", "else_clause", "case_item"]);

/** Whether `child` of an `if`/`elif` is in its body (after `then`) rather than its condition. */
function inThenBody(tree: TreeFacts, block: Node, child: Node): boolean {
  if (tree.type(block) === "if_statement") return !tree.field(block, "condition").has(child.id);
  const thenAt = tree.kids(block).thenAt;
  return thenAt !== -1 && thenAt < tree.position(block, child);
}

/**
 * Whether `child` ends `parent` when it runs: it is the last statement of the block (comments do
 * not count; an `if` body ends at its `elif`/`else`), or an `elif`/`else` branch of an `if`, or an
 * item of a `case`. Looks only as far as the next statement.
 */
function endsBlock(tree: TreeFacts, parent: Node, child: Node): boolean {
  const pt = tree.type(parent);
  const ct = tree.type(child);
  if (pt === "case_statement") return ct === "case_item";
  if (!TAIL_BLOCKS.has(pt)) return false;
  if (ct === "elif_clause" || ct === "else_clause") return pt === "if_statement";
  if ((pt === "if_statement" || pt === "elif_clause") && !inThenBody(tree, parent, child)) return false;
  const { types, named } = tree.kids(parent);
  const at = tree.position(parent, child);
  if (at === -1) return true;
  for (let i = at + 1; i < types.length; i++) {
    const t = types[i];
    if (t === "elif_clause" || t === "else_clause") return true;
    if (named[i] && t !== "comment") return false;
  }
  return true;
}

/** `cat <<EOF | grep x` / `cat <<EOF && next`: tree-sitter-bash puts what follows the heredoc start inside the redirect. */
function chainsAfterHeredoc(redirected: Node): boolean {
  return redirected.namedChildren.some(
    (r) =>
      r?.type === "heredoc_redirect" &&
      r.namedChildren.some((c) => c !== null && !c.type.startsWith("heredoc_") && !c.type.endsWith("_redirect") && c.type !== "comment"),
  );
}

/** The command's tail position (see `TailPosition`) in region offsets, read off its `path` (as for `flagsOf`); undefined when not in one. */
function tailOf(tree: TreeFacts, path: readonly Node[]): TailPosition | undefined {
  let statement: Node | undefined;
  let alone = true;
  for (let i = 1; i < path.length; i++) {
    const child = path[i - 1] as Node;
    const parent = path[i] as Node;
    const t = tree.type(parent);
    if (TAIL_TRANSPARENT.has(t)) {
      if (t !== "redirected_statement" || !isBodyOf(tree, parent, child) || chainsAfterHeredoc(parent)) alone = false;
      continue;
    }
    if (!endsBlock(tree, parent, child)) return undefined;
    statement ??= child;
    if (t === "program") return { start: statement.startIndex, end: statement.endIndex, alone };
  }
  return undefined;
}

/** Whether `child` is the `body` of `redirected` (the first child in that field, as `childForFieldName` finds it). */
function isBodyOf(tree: TreeFacts, redirected: Node, child: Node): boolean {
  const bodies = tree.field(redirected, "body");
  return bodies.has(child.id) && bodies.values().next().value === child.id;
}

function opOf(tree: TreeFacts, list: Node): string | undefined {
  const ids = tree.field(list, "operator");
  const { nodes, types, named } = tree.kids(list);
  for (let i = 0; i < nodes.length; i++) if (ids.has((nodes[i] as Node).id)) return types[i];
  for (let i = 0; i < nodes.length; i++) if (!named[i] && (types[i] === "&&" || types[i] === "||")) return types[i];
  return undefined;
}

/** Whether `child` is (within) the condition of an if/elif/while rather than its body. */
function isConditionOf(tree: TreeFacts, stmt: Node, child: Node): boolean {
  if (tree.field(stmt, "condition").has(child.id)) return true;
  // tree-sitter-bash names no `condition` field on `elif_clause`: its condition is what stands
  // before the `then` keyword.
  if (tree.type(stmt) !== "elif_clause") return false;
  const at = tree.position(stmt, child);
  const thenAt = tree.kids(stmt).thenAt;
  return at !== -1 && (thenAt === -1 || at < thenAt);
}

/** `set -e`, `set -o errexit`, `set -eu…` at top level: errexit from here on. */
function setsErrexit(words: readonly ShellWord[]): boolean | undefined {
  if (words[0]?.value !== "set") return undefined;
  let result: boolean | undefined;
  for (let i = 1; i < words.length; i++) {
    const a = (words[i] as ShellWord).value;
    if (/^-[a-zA-Z]*e/.test(a)) result = true;
    else if (/^\+[a-zA-Z]*e/.test(a)) result = false;
    else if ((a === "-o" || a === "+o") && words[i + 1]?.value === "errexit") result = a === "-o";
  }
  return result;
}

export function regionInfo(region: ShellRegion, index: number): RegionInfo {
  return {
    index,
    origin: region.origin,
    kind: region.kind,
    scope: region.scope,
    precededBy: region.precededBy,
    label: region.label,
    assumptions: region.assumptions,
    hostStart: region.hostStart,
    hostEnd: region.hostEnd,
  };
}

/** The nodes `regionSteps` reads. */
const STEP_NODES = ["command", "variable_assignment"];

/**
 * A simple command as its region's text alone describes it: words, range and tail statement in
 * region offsets, before variables are resolved, wrappers stripped and offsets mapped to the host.
 */
export interface CommandStep {
  kind: "command";
  /** Every word after the assignments and redirections, in region offsets. */
  words: readonly ShellWord[];
  /** Region offsets of the whole simple command. */
  start: number;
  end: number;
  flags: Readonly<Flags>;
  /** A top-level, unconditional `set -e` / `set +e`: errexit from this command on. */
  setsErrexit?: boolean;
  /** The tail statement, in region offsets (see `TailPosition`). */
  tail?: Readonly<TailPosition>;
}

/** A static assignment (`DOCKER=/usr/bin/docker`); `value` undefined when the value is not static (the variable is forgotten). */
export interface AssignmentStep {
  kind: "assignment";
  name: string;
  value?: string;
}

export type RegionStep = CommandStep | AssignmentStep;

/**
 * What a region's parse tree says about its commands and assignments, in document order (a
 * command before the commands in its substitutions). Depends on the region's text alone, so a
 * caller may keep the steps per text and skip parsing an unchanged region; `resolveSteps` applies
 * what depends on the rest of the file. The search runs inside tree-sitter (`descendantsOfType`,
 * in document order): it yields just commands and assignments, with no query to compile
 * (compiling one against the bash grammar cost a small run ~17 ms). Where each one sits is read
 * off its ancestors (`TreeFacts`), in time linear in the region.
 */
export function regionSteps(tree: Tree): RegionStep[] {
  const out: RegionStep[] = [];
  const facts = new TreeFacts(tree.rootNode);
  let last: readonly Node[] = [];
  const found: (Node | null | undefined)[] = tree.rootNode.descendantsOfType(STEP_NODES);
  for (let i = 0; i < found.length; i++) {
    const node = found[i];
    if (!node) continue;
    // Released as soon as walked: web-tree-sitter keeps each node's children on it once asked.
    found[i] = undefined;
    const path = facts.path(node);
    facts.moveOn(last, path);
    last = path;
    if (facts.type(node) === "variable_assignment") {
      // `A=1 cmd` sets A for cmd's environment only; it is no assignment for later commands.
      const parent = path[1];
      if (parent && facts.type(parent) === "command") continue;
      const step = assignmentStep(node);
      if (step) out.push(step);
      continue;
    }
    const words: ShellWord[] = [];
    const kids = facts.kids(node);
    for (let k = 0; k < kids.nodes.length; k++) {
      const t = kids.types[k];
      if (!kids.named[k] || t === "variable_assignment" || t === "file_redirect" || t === "herestring_redirect") continue;
      const c = kids.nodes[k] as Node;
      const target = t === "command_name" ? (c.firstNamedChild ?? c) : c;
      const v = wordValue(target);
      words.push({ value: v.value, static: v.static, start: target.startIndex, end: target.endIndex });
    }
    const flags = flagsOf(facts, path);
    const step: CommandStep = { kind: "command", words, start: node.startIndex, end: node.endIndex, flags };
    const set = setsErrexit(words);
    if (set !== undefined && !flags.inFunction && !flags.conditional) step.setsErrexit = set;
    const tail = tailOf(facts, path);
    if (tail) step.tail = tail;
    out.push(step);
  }
  return out;
}

function assignmentStep(node: Node): AssignmentStep | undefined {
  const name = node.childForFieldName("name")?.text;
  if (!name) return undefined;
  const value = node.childForFieldName("value");
  if (!value) return { kind: "assignment", name };
  const v = wordValue(value);
  return v.static ? { kind: "assignment", name, value: v.value } : { kind: "assignment", name };
}

/**
 * The commands of a shell-text region from its steps: offsets mapped to the host, variables
 * resolved and wrappers stripped, `seq` numbered from `firstSeq`, errexit followed from the host's
 * assumption. `vars` carries static assignments across the regions of one file (they share an
 * environment only in a plain script, but a Dockerfile's ENV-less `RUN X=… ` is rare enough that
 * sharing is harmless). Never changes `steps`.
 */
export function resolveSteps(
  steps: readonly RegionStep[],
  region: ShellTextRegion,
  info: RegionInfo,
  firstSeq: number,
  vars: VariableValues,
): ShellCommand[] {
  const out: ShellCommand[] = [];
  const map = region.map;
  const hostStart = (start: number): number => toHost(map, start);
  const hostEnd = (start: number, end: number): number => (end > start ? toHost(map, end - 1) + 1 : toHost(map, start));
  const tolerated = region.assumptions.failureTolerated === true;
  let errexit = region.assumptions.errexit === true;
  for (const step of steps) {
    if (step.kind === "assignment") {
      if (step.value === undefined) vars.delete(step.name);
      else vars.set(step.name, step.value);
      continue;
    }
    if (step.setsErrexit !== undefined) errexit = step.setsErrexit;
    const words = step.words.map(
      (w): ShellWord => ({ value: w.value, static: w.static, start: hostStart(w.start), end: hostEnd(w.start, w.end) }),
    );
    const f = step.flags;
    const cmd = commandFromWords(words, vars, {
      start: hostStart(step.start),
      end: hostEnd(step.start, step.end),
      region: info,
      seq: firstSeq + out.length,
      tolerated: f.tolerated || tolerated,
      conditional: f.conditional,
      background: f.background,
      inFunction: f.inFunction,
      inSubstitution: f.inSubstitution,
      errexit,
    });
    if (!cmd) continue;
    const t = step.tail;
    if (t) cmd.tail = { start: hostStart(t.start), end: hostEnd(t.start, t.end), alone: t.alone };
    out.push(cmd);
  }
  return out;
}

/** Commands of a shell-text region, in document order: `resolveSteps` over `regionSteps`. */
export function shellTextCommands(
  tree: Tree,
  region: ShellTextRegion,
  info: RegionInfo,
  firstSeq: number,
  vars: VariableValues,
): ShellCommand[] {
  return resolveSteps(regionSteps(tree), region, info, firstSeq, vars);
}

/** The command of an argv region (a systemd `Exec*=` line, an exec-form `RUN`). */
export function argvCommand(region: ArgvRegion, info: RegionInfo, seq: number, vars: VariableValues): ShellCommand | undefined {
  const words: ShellWord[] = region.words.map((w) => ({
    value: w.value,
    static: !/\$/.test(w.value),
    start: w.hostStart,
    end: w.hostEnd,
  }));
  const first = words[0];
  const last = words[words.length - 1];
  if (!first || !last) return undefined;
  return commandFromWords(words, vars, {
    start: first.start,
    end: last.end,
    region: info,
    seq,
    tolerated: region.assumptions.failureTolerated === true,
    conditional: false,
    background: false,
    inFunction: false,
    inSubstitution: false,
    errexit: true,
    tail: { start: first.start, end: last.end, alone: true },
  });
}

/* ---------------------------------------------------------------- a cheap pre-filter */

/**
 * What word values may drop from a region's text: a `\`-newline, a `\`, quotes, and the `$` that
 * opens `$'…'` or `$"…"`. A program name is a substring of a word value (or of a static variable
 * value, itself a word value), and a word value is its source text with some of these removed.
 */
const DROPPED_BY_WORDS = /\\\r?\n|\$(?=['"])|[\\'"]/g;

/** Names the pre-filter cannot reason about: they could span a dropped character. */
const UNSAFE_NAME = /^$|[\\'"$\s]/;

/**
 * Whether a command of these regions may be named one of `names` (a `ShellCommand.name`), judged
 * from the text without parsing it. Conservative: false only when no name occurs in any region's
 * text with quotes and backslashes removed (`do"ck"er`, `d\ocker`, `/usr/bin/docker`,
 * `D=docker; $D run` all say true), nor in an argv region's words.
 */
export function mayName(regions: readonly ShellRegion[], names: Iterable<string>): boolean {
  const wanted = [...names];
  if (wanted.some((n) => UNSAFE_NAME.test(n))) return true;
  if (wanted.length === 0) return false;
  return regions.some((r) => {
    const text = r.kind === "shell" ? r.text.replace(DROPPED_BY_WORDS, "") : r.words.map((w) => w.value).join("\n");
    return wanted.some((n) => text.includes(n));
  });
}
