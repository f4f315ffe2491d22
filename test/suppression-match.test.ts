/** Which directive suppresses which finding (suppressions.ts `matchSuppressions`). */
import { describe, expect, it } from "vitest";
import { matchSuppressions, type Directive, type Suppressible } from "../src/engine/suppressions.js";
import { seeded } from "./support/random.js";

/** The rule as stated: the first directive in file order that covers a line of the finding and names its rule or none. */
function firstCovering(f: Suppressible, directives: readonly Directive[]): { start: number; rule: number } | undefined {
  for (const d of directives) {
    if (d.kind === "next-line" && !f.lines.includes(d.line + 1)) continue;
    const rule = d.rules.length === 0 ? -1 : d.rules.findIndex((r) => r.id === f.ruleId);
    if (rule === -1 && d.rules.length > 0) continue;
    return { start: d.start, rule };
  }
  return undefined;
}


describe("matchSuppressions", () => {
  it("picks the first covering directive in file order: file-wide and next-line mixed, several per line, findings on several lines", () => {
    const next = seeded(20140222);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const ids = ["a/x", "a/y", "b/z"];
    for (let round = 0; round < 300; round++) {
      const directives: Directive[] = Array.from({ length: Math.floor(next() * 10) }, (_, i) => ({
        kind: next() < 0.2 ? "file" : "next-line",
        line: 1 + Math.floor(next() * 12),
        rules: Array.from({ length: Math.floor(next() * 3) }, (_, k) => ({ id: pick(ids), start: i * 100 + k, end: i * 100 + k + 3 })),
        start: i * 100,
        end: i * 100 + 50,
      }));
      const findings: Suppressible[] = Array.from({ length: 8 }, () => ({
        ruleId: pick(ids),
        lines: Array.from({ length: 1 + Math.floor(next() * 3) }, () => 1 + Math.floor(next() * 14)),
      }));
      const { by, used } = matchSuppressions(findings, directives);
      const expected = findings.map((f) => firstCovering(f, directives));
      expect(by.map((u) => (u ? { start: u.directive.start, rule: u.rule } : undefined)), `round ${round}`).toEqual(expected);
      expect([...used].sort()).toEqual([...new Set(expected.flatMap((e) => (e ? [`${e.start}:${e.rule}`] : [])))].sort());
    }
  });
});
