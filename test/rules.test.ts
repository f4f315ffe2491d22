/**
 * Runs every fixture under test/fixtures/<family>/<name>/ with that folder's rule and compares the
 * (line, rule) pairs it reports with the file's `expect:` annotations.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyFixes } from "../src/engine/fix.js";
import { allRules } from "../src/engine/registry.js";
import { formatPairs, lintString, parseExpectations } from "./helpers.js";

const FIXTURES = path.join(import.meta.dirname, "fixtures");

function fixtureFiles(ruleId: string): string[] {
  const dir = path.join(FIXTURES, ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !/\.fixed(\.|$)/.test(f) && !f.endsWith(".md"))
    .map((f) => path.join(dir, f));
}

/** `a/b.sh` → `a/b.fixed.sh`; `a/Dockerfile` → `a/Dockerfile.fixed`. */
function fixedPath(file: string): string {
  const base = path.basename(file);
  const dot = base.lastIndexOf(".");
  const name = dot > 0 ? `${base.slice(0, dot)}.fixed${base.slice(dot)}` : `${base}.fixed`;
  return path.join(path.dirname(file), name);
}

for (const rule of allRules()) {
  describe(rule.id, () => {
    const files = fixtureFiles(rule.id);
    it("has fixtures", () => {
      expect(files.length, `no fixtures in test/fixtures/${rule.id}/`).toBeGreaterThan(0);
    });
    for (const file of files) {
      it(path.basename(file), async () => {
        const text = readFileSync(file, "utf8");
        const rel = path.relative(FIXTURES, file);
        // The engine's own rules (no `check`) need the others enabled to have something to judge.
        const res = await lintString(rel, text, rule.check ? [rule.id] : undefined);
        expect(res.language, `${rel}: deploylint does not detect a language for this fixture`).toBeDefined();
        expect(res.notices).toEqual([]);
        const mine = res.findings.filter((f) => f.ruleId === rule.id);
        const got = formatPairs(mine.map((f) => ({ line: f.range.start.line, ruleId: f.ruleId })));
        const want = formatPairs(parseExpectations(text).filter((e) => e.ruleId === rule.id));
        expect(got).toEqual(want);
        // name.fixed.ext: the text after applying every fix of this rule (safe and unsafe).
        const fixed = fixedPath(file);
        if (existsSync(fixed)) {
          expect(applyFixes(text, mine, "unsafe").text).toBe(readFileSync(fixed, "utf8"));
        }
      });
    }
  });
}
