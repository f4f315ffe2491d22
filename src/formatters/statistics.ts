/**
 * `--statistics`: how many findings each rule reported, instead of the findings (Ruff's
 * `--statistics`). Pure: findings in, text or JSON out.
 *
 * Text, one rule per line, most findings first (then by rule id):
 *
 * ```
 *   12  docker/run-missing-rm          [*]
 *    3  docker/run-name-unguarded      [-]
 *    1  c/misleading-indentation
 * ```
 *
 * `[*]`: `--fix` fixes some of them; `[-]`: only `--fix-unsafe` does. JSON (`-f json`): an array
 * of `{ ruleId, count, fixable, unsafeFixable }` in the same order (`fixable`: some finding has a
 * safe fix; `unsafeFixable`: some has an unsafe one). No findings: nothing (text) or `[]`.
 */
import type { Finding } from "../engine/types.js";

export interface RuleStatistic {
  ruleId: string;
  count: number;
  /** Some finding of this rule has a fix `--fix` applies. */
  fixable: boolean;
  /** Some finding of this rule has a fix only `--fix-unsafe` applies. */
  unsafeFixable: boolean;
}

export function ruleStatistics(findings: readonly Finding[]): RuleStatistic[] {
  const by = new Map<string, RuleStatistic>();
  for (const f of findings) {
    let s = by.get(f.ruleId);
    if (!s) by.set(f.ruleId, (s = { ruleId: f.ruleId, count: 0, fixable: false, unsafeFixable: false }));
    s.count++;
    if (f.fix && f.fix.edits.length > 0) {
      if (f.fix.applicability === "safe") s.fixable = true;
      else s.unsafeFixable = true;
    }
  }
  return [...by.values()].sort((a, b) => b.count - a.count || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

export function formatStatisticsText(findings: readonly Finding[]): string {
  const rows = ruleStatistics(findings);
  if (rows.length === 0) return "";
  const countWidth = Math.max(...rows.map((r) => String(r.count).length));
  const idWidth = Math.max(...rows.map((r) => r.ruleId.length));
  return rows
    .map((r) => {
      const mark = r.fixable ? "[*]" : r.unsafeFixable ? "[-]" : "";
      return `  ${String(r.count).padStart(countWidth)}  ${r.ruleId.padEnd(idWidth)}  ${mark}`.trimEnd() + "\n";
    })
    .join("");
}

export function formatStatisticsJson(findings: readonly Finding[]): string {
  return `${JSON.stringify(ruleStatistics(findings), null, 2)}\n`;
}
