/**
 * The one place that knows web-tree-sitter. Grammars are loaded lazily, once per `TreeSitter`
 * instance (one per worker / lint session); queries are compiled once per instance and reused.
 * Callers must `delete()` the trees they get (the engine does, right after the rules ran).
 */
import { createRequire } from "node:module";
import { Language, Parser, Query, type Node, type Tree, type TreeCursor } from "web-tree-sitter";

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

export class TreeSitter {
  private initialised: Promise<void> | undefined;
  private readonly grammars = new Map<GrammarId, Promise<Grammar>>();
  private readonly queries = new Map<string, Query>();

  /** Loads (once) and returns a grammar with its parser. */
  grammar(id: GrammarId): Promise<Grammar> {
    let g = this.grammars.get(id);
    if (!g) {
      g = this.load(id);
      this.grammars.set(id, g);
    }
    return g;
  }

  private async load(id: GrammarId): Promise<Grammar> {
    this.initialised ??= Parser.init();
    await this.initialised;
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve(WASM[id]));
    const parser = new Parser();
    parser.setLanguage(language);
    return { id, language, parser };
  }

  /** Parses text; the caller owns the returned tree and must `delete()` it. */
  parse(grammar: Grammar, text: string): Tree {
    const tree = grammar.parser.parse(text);
    if (!tree) throw new Error(`tree-sitter (${grammar.id}) returned no tree`);
    return tree;
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
  }
}
