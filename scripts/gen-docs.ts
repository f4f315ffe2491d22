/**
 * Phase two of `npm run gen`: writes docs/rules/<family>/<name>.md for every registered rule,
 * removes pages of rules that no longer exist, and refreshes the rules table in README.md.
 * test/docs.test.ts fails when any of these is stale.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderRuleMarkdown, renderRulesTable } from "../src/docs/render.js";
import type { RuleMeta } from "../src/engine/rule.js";
import { RULES } from "../src/rules/index.js";
import { repoRoot } from "./gen-index.js";

export const README_START = "<!-- rules:start -->";
export const README_END = "<!-- rules:end -->";

/** Every generated docs page: repo-relative path → content. */
export function expectedDocs(rules: readonly RuleMeta[]): Map<string, string> {
  return new Map(rules.map((r) => [`docs/rules/${r.id}.md`, renderRuleMarkdown(r)]));
}

/** README text with the rules table replaced between the markers (unchanged if none). */
export function withRulesTable(readme: string, rules: readonly RuleMeta[]): string {
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a === -1 || b === -1 || b < a) return readme;
  return `${readme.slice(0, a + README_START.length)}\n${renderRulesTable(rules)}\n${readme.slice(b)}`;
}

function existingPages(root: string): string[] {
  const dir = path.join(root, "docs/rules");
  try {
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/rules/${f.split(path.sep).join("/")}`);
  } catch {
    return [];
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const ROOT = repoRoot();
  const want = expectedDocs(RULES);
  let written = 0;
  for (const [rel, content] of want) {
    const abs = path.join(ROOT, rel);
    let prev = "";
    try {
      prev = readFileSync(abs, "utf8");
    } catch {}
    if (prev !== content) {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      written++;
    }
  }
  for (const rel of existingPages(ROOT)) {
    if (!want.has(rel)) {
      rmSync(path.join(ROOT, rel));
      console.log(`removed stale ${rel}`);
    }
  }
  const readmePath = path.join(ROOT, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const next = withRulesTable(readme, RULES);
  if (next !== readme) writeFileSync(readmePath, next);
  console.log(`docs/rules: ${want.size} pages (${written} written); README rules table ${next !== readme ? "updated" : "unchanged"}`);
}
