/**
 * One Linter per distinct file configuration, created when a file of that configuration is first
 * linted (each Linter loads its own grammars, so a run with one configuration builds one). Used
 * by the in-process path and by each worker thread.
 */
import { Linter } from "./lint.js";
import type { FileTask } from "./lint-file.js";
import { allRules, selectRules, type RuleSelection } from "./registry.js";

export class LinterTable {
  private readonly linters = new Map<string, Linter>();

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
      );
      this.linters.set(key, linter);
    }
    return linter;
  }

  dispose(): void {
    for (const l of this.linters.values()) l.dispose();
    this.linters.clear();
  }
}
