/**
 * The one place that knows web-tree-sitter. Grammars are loaded lazily, once per `TreeSitter`
 * instance (one per worker / lint session); queries are compiled once per instance and reused.
 * Callers must `delete()` the trees they get (the engine does, right after the rules ran).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Edit, Language, Parser, Query, type Node, type Tree, type TreeCursor } from "web-tree-sitter";
import { compileInBackground, compileUnder, instantiate, type WasmPlan } from "./wasm-compile.js";

export type { Node, Tree, TreeCursor };

export type GrammarId = "c" | "cpp" | "bash";

const WASM: Record<GrammarId, string> = {
  c: "tree-sitter-c/tree-sitter-c.wasm",
  cpp: "tree-sitter-cpp/tree-sitter-cpp.wasm",
  bash: "tree-sitter-bash/tree-sitter-bash.wasm",
};

export interface Grammar {
  id: GrammarId;
  language: Language;
  parser: Parser;
}

/** How many trees `parseIncremental` keeps (an open document's file tree and each of its shell regions). */
const MAX_KEPT_TREES = 4096;

export class TreeSitter {
  private initialised: Promise<void> | undefined;
  /** How this instance compiles its modules; unset: as the process's V8 flags say, in the background. */
  private plan: WasmPlan | undefined;
  private readonly grammars = new Map<GrammarId, Promise<Grammar>>();
  private readonly queries = new Map<string, Query>();
  /** `parseIncremental`'s last text and tree per key, least recently used first. */
  private readonly kept = new Map<string, { grammar: GrammarId; text: string; tree: Tree }>();

  /** Loads (once) and returns a grammar with its parser. */
  grammar(id: GrammarId): Promise<Grammar> {
    let g = this.grammars.get(id);
    if (!g) {
      g = this.load(id);
      this.grammars.set(id, g);
    }
    return g;
  }

  /**
   * Which modules V8 may optimise (src/languages/wasm-compile.ts), for the modules not loaded
   * yet: each is then compiled synchronously under its own flags.
   */
  planCompilation(plan: WasmPlan): void {
    this.plan = plan;
  }

  private async load(id: GrammarId): Promise<Grammar> {
    const require = createRequire(import.meta.url);
    const plan = this.plan;
    // Bytes rather than a path: given a path, web-tree-sitter reads it through a dynamic
    // `import("fs/promises")`, which starts Node's ES module loader (and fails inside the bundle).
    const grammarBytes = (): Uint8Array => readFileSync(require.resolve(WASM[id]));
    if (plan) {
      const instantiateWasm: InstantiateWasm = (imports, receive) => {
        const module = compileUnder(plan.runtime, runtimeBytes());
        receive(instantiate(module, imports), module);
        return {};
      };
      this.initialised ??= Parser.init({ instantiateWasm });
      await this.initialised;
      return withParser(id, Language.loadSync(compileUnder(plan.grammars.includes(id), grammarBytes())));
    }
    // The runtime (unless this process has it already) and the grammar compile at once, in the
    // background, while this thread goes on (web-tree-sitter's own loading compiles the grammar
    // only once the runtime is ready).
    const bytes = grammarBytes();
    this.initialised ??= initialiseInBackground();
    const grammar = compileInBackground(bytes);
    // Awaited only once the runtime is ready: should the runtime fail first, the grammar's own
    // failure must not end the process as an unhandled rejection.
    grammar.catch(() => undefined);
    await this.initialised;
    return withParser(id, Language.loadSync(await grammar));
  }

  /** Parses text; the caller owns the returned tree and must `delete()` it. */
  parse(grammar: Grammar, text: string): Tree {
    const tree = grammar.parser.parse(text);
    if (!tree) throw new Error(`tree-sitter (${grammar.id}) returned no tree`);
    return tree;
  }

  /**
   * Parses text reusing the tree last parsed under `key` (the language server re-lints one
   * document after each edit): the old tree is edited by the difference between the two texts
   * (common prefix and suffix, so the edit is exact whatever changed) and tree-sitter reparses only
   * what the edit touched. The same tree as `parse` gives for text without syntax errors; around
   * an error, error recovery may take another path (tree-sitter never reuses an ERROR node, so the
   * difference does not outlive the error). The caller owns the returned tree.
   */
  parseIncremental(grammar: Grammar, text: string, key: string): Tree {
    const prev = this.kept.get(key);
    this.kept.delete(key);
    let tree: Tree | null;
    if (prev && prev.grammar === grammar.id && prev.text === text) {
      tree = prev.tree;
    } else if (prev && prev.grammar === grammar.id) {
      try {
        prev.tree.edit(textEdit(prev.text, text));
        tree = grammar.parser.parse(text, prev.tree);
      } finally {
        prev.tree.delete();
      }
    } else {
      prev?.tree.delete();
      tree = grammar.parser.parse(text);
    }
    if (!tree) throw new Error(`tree-sitter (${grammar.id}) returned no tree`);
    this.kept.set(key, { grammar: grammar.id, text, tree });
    for (const [k, v] of this.kept) {
      if (this.kept.size <= MAX_KEPT_TREES) break;
      v.tree.delete();
      this.kept.delete(k);
    }
    return tree.copy();
  }

  /** Drops the trees `parseIncremental` kept under keys starting with `prefix` (a closed document). */
  forget(prefix: string): void {
    for (const [k, v] of this.kept) {
      if (!k.startsWith(prefix)) continue;
      v.tree.delete();
      this.kept.delete(k);
    }
  }

  /** A compiled query, cached per grammar and source. Throws on an invalid pattern. */
  query(grammar: Grammar, source: string): Query {
    const key = `${grammar.id}\u0000${source}`;
    let q = this.queries.get(key);
    if (!q) {
      q = new Query(grammar.language, source);
      this.queries.set(key, q);
    }
    return q;
  }

  dispose(): void {
    for (const q of this.queries.values()) q.delete();
    this.queries.clear();
    this.forget("");
  }
}

function withParser(id: GrammarId, language: Language): Grammar {
  const parser = new Parser();
  parser.setLanguage(language);
  return { id, language, parser };
}

/**
 * Emscripten's hook for web-tree-sitter's runtime: the instance goes to `receive`, which
 * finishes the set-up. web-tree-sitter types its options as Emscripten's module, which it does
 * not declare, so this signature is checked against web-tree-sitter 0.27's code, not by TypeScript.
 */
type InstantiateWasm = (imports: object, receive: (instance: object, module: WebAssembly.Module) => void) => object;

/**
 * web-tree-sitter's runtime set up, its WebAssembly compiled in the background. web-tree-sitter
 * keeps one runtime per process: once it has one, `Parser.init` resolves without asking for the
 * WebAssembly again, and nothing is compiled. Otherwise it asks through `instantiateWasm`, from
 * within the call; a compilation that fails rejects (web-tree-sitter would wait for `receive`
 * for ever).
 */
function initialiseInBackground(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const instantiateWasm: InstantiateWasm = (imports, receive) => {
      compileInBackground(runtimeBytes())
        .then((module) => receive(instantiate(module, imports), module))
        .catch(reject);
      return {};
    };
    Parser.init({ instantiateWasm }).then(resolve, reject);
  });
}

/**
 * web-tree-sitter's runtime, `web-tree-sitter.wasm`: beside this module in deploylint's bundle
 * (which has a copy, and where resolving through the package's `exports` would cost a start of
 * Node's ES module loader), else in the package.
 */
function runtimeBytes(): Uint8Array {
  try {
    return readFileSync(new URL("web-tree-sitter.wasm", import.meta.url));
  } catch {
    return readFileSync(createRequire(import.meta.url).resolve("web-tree-sitter/web-tree-sitter.wasm"));
  }
}

/**
 * Where each of `indices` (ascending) is as tree-sitter counts it: rows split at `\n`, columns in
 * UTF-16 code units (as web-tree-sitter takes them). One scan of the text up to the last index.
 */
function pointsAt(text: string, indices: readonly number[]): { row: number; column: number }[] {
  const out: { row: number; column: number }[] = [];
  let row = 0;
  let lineStart = 0;
  let nl = text.indexOf("\n");
  for (const index of indices) {
    while (nl !== -1 && nl < index) {
      row++;
      lineStart = nl + 1;
      nl = text.indexOf("\n", nl + 1);
    }
    out.push({ row, column: index - lineStart });
  }
  return out;
}

/** The one edit that turns `before` into `after`: everything between their common prefix and suffix. */
export function textEdit(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // Never split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let suffix = 0;
  while (suffix < max - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  const oldEnd = before.length - suffix;
  const newEnd = after.length - suffix;
  const [startPosition, oldEndPosition] = pointsAt(before, [start, oldEnd]);
  const [newEndPosition] = pointsAt(after, [newEnd]);
  return new Edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: startPosition as { row: number; column: number },
    oldEndPosition: oldEndPosition as { row: number; column: number },
    newEndPosition: newEndPosition as { row: number; column: number },
  });
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
