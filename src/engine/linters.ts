/**
 * One Linter per distinct file configuration, created when a file of that configuration is first
 * linted; the Linters share one set of grammars and one cache of shell-region steps. Used by the
 * in-process path and by each worker thread.
 */
import { StepCache } from "../languages/shell/step-cache.js";
import { TreeSitter, type GrammarId } from "../languages/treesitter.js";
import type { WasmPlan } from "../languages/wasm-compile.js";
import { Linter } from "./lint.js";
import type { FileTask } from "./lint-file.js";
import { allRules, selectRules, type RuleSelection } from "./registry.js";

export class LinterTable {
  private readonly linters = new Map<string, Linter>();
  /** Lent to every Linter of the table: grammars, and the steps of shell regions by their text. */
  private readonly shared = { treeSitter: new TreeSitter(), steps: new StepCache() };

  /** `fallback`: the selection of tasks that carry no configuration of their own. */
  constructor(private readonly fallback: RuleSelection) {}

  /** The Linter for a task's configuration. */
  for(task: FileTask): Linter {
    const key = task.config ? `config:${task.config.key}` : "run";
    let linter = this.linters.get(key);
    if (!linter) {
      const selected = selectRules(task.config?.selection ?? this.fallback);
      if (!selected.ok) throw new Error(`unknown rules: ${selected.unknown.join(", ")}`);
      linter = new Linter(
        selected.rules,
        allRules().map((r) => r.id),
        { shared: this.shared },
      );
      this.linters.set(key, linter);
    }
    return linter;
  }

  /**
   * Starts loading a grammar that files of this run will need, so that its WebAssembly compiles
   * in the background while the run does other work. A failure shows when the grammar is used.
   */
  prefetch(id: GrammarId): void {
    this.shared.treeSitter.grammar(id).catch(() => undefined);
  }

  /** Which WebAssembly V8 may optimise, for the grammars not loaded yet (src/languages/wasm-compile.ts). */
  planCompilation(plan: WasmPlan): void {
    this.shared.treeSitter.planCompilation(plan);
  }

  dispose(): void {
    for (const l of this.linters.values()) l.dispose();
    this.linters.clear();
    this.shared.treeSitter.dispose();
    this.shared.steps.clear();
  }
}
