/**
 * Every rule's docs examples do what they say (Biome's rules_check), and the generated files
 * (src/rules/index.ts, docs/rules/**, the README table) are up to date with the rule metadata.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleFile } from "../src/docs/render.js";
import { allRules } from "../src/engine/registry.js";
import { expectedDocs, withRulesTable } from "../scripts/gen-docs.js";
import { renderIndex, ruleFiles } from "../scripts/gen-index.js";
import { lintString } from "./helpers.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const STALE = "is stale: run `npm run gen`";

describe("docs examples", () => {
  for (const rule of allRules()) {
    // The engine's own rules need the other rules enabled to have something to judge.
    const only = rule.check ? [rule.id] : undefined;
    rule.docs.bad.forEach((ex, i) => {
      it(`${rule.id} bad #${i + 1} is reported`, async () => {
        const { file, code } = exampleFile(rule, ex);
        const res = await lintString(file, code, only);
        expect(res.notices).toEqual([]);
        expect(res.findings.filter((f) => f.ruleId === rule.id).length).toBeGreaterThan(0);
      });
    });
    rule.docs.good.forEach((ex, i) => {
      it(`${rule.id} good #${i + 1} is clean`, async () => {
        const { file, code } = exampleFile(rule, ex);
        const res = await lintString(file, code, only);
        expect(res.notices).toEqual([]);
        expect(res.findings.filter((f) => f.ruleId === rule.id)).toEqual([]);
      });
    });
  }
});

describe("generated files", () => {
  it("src/rules/index.ts lists every rule file", () => {
    expect(readFileSync(path.join(ROOT, "src/rules/index.ts"), "utf8"), `src/rules/index.ts ${STALE}`).toBe(
      renderIndex(ruleFiles(ROOT)),
    );
  });
  it("docs/rules pages match the rule metadata", () => {
    const want = expectedDocs(allRules());
    for (const [rel, content] of want) {
      const abs = path.join(ROOT, rel);
      expect(existsSync(abs), `${rel} is missing: run \`npm run gen\``).toBe(true);
      expect(readFileSync(abs, "utf8"), `${rel} ${STALE}`).toBe(content);
    }
    const pages = readdirSync(path.join(ROOT, "docs/rules"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/rules/${f.split(path.sep).join("/")}`);
    expect(pages.filter((p) => !want.has(p)), `pages of rules that do not exist ${STALE}`).toEqual([]);
  });
  it("README rules table matches the rule metadata", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("<!-- rules:start -->");
    expect(readme, `README.md rules table ${STALE}`).toBe(withRulesTable(readme, allRules()));
  });
});
