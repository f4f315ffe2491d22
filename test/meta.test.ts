/** Rule registration and metadata (ESLint's checkRuleFiles). */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allRules } from "../src/engine/registry.js";
import { LANGUAGES } from "../src/languages/index.js";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("rule metadata", () => {
  const rules = allRules();
  it("ids are unique and sorted", () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
  for (const rule of rules) {
    describe(rule.id, () => {
      it("has a well-formed id that matches its file", () => {
        expect(rule.id).toMatch(/^[a-z0-9]+\/[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(existsSync(path.join(ROOT, "src/rules", `${rule.id}.ts`))).toBe(true);
      });
      it("has complete docs", () => {
        expect(rule.docs.summary.trim()).not.toBe("");
        expect(rule.docs.summary).not.toContain("\n");
        expect(rule.docs.why.trim().length).toBeGreaterThan(40);
        expect(rule.docs.bad.length).toBeGreaterThan(0);
        expect(rule.docs.good.length).toBeGreaterThan(0);
      });
      it("names known languages and valid options", () => {
        expect(rule.languages.length).toBeGreaterThan(0);
        for (const l of rule.languages) expect(Object.keys(LANGUAGES)).toContain(l);
        for (const [name, spec] of Object.entries(rule.options ?? {})) {
          expect(name).toMatch(/^[a-z][A-Za-z0-9]*$/);
          expect(spec.description.trim()).not.toBe("");
        }
      });
      it("has a fixture folder", () => {
        expect(existsSync(path.join(ROOT, "test/fixtures", rule.id))).toBe(true);
      });
    });
  }
});
