import { detectLanguage, refineLanguage } from "../src/engine/detect.js";
import { Linter, type LintResult } from "../src/engine/lint.js";
import { selectRules } from "../src/engine/registry.js";
import { unsuppressed } from "../src/engine/result.js";
import type { LanguageId } from "../src/engine/types.js";

/** Lints a string as if it were the file `path`, with the given rules (default: all). */
export async function lintString(
  path: string,
  text: string,
  rules?: string[],
  language?: LanguageId,
): Promise<LintResult & { language: LanguageId | undefined }> {
  // As the CLI: the file name says the language, the text may refine it (a C++ `.h` header).
  const detected = language ?? detectLanguage(path, text);
  const lang = detected && !language ? refineLanguage(path, detected, text) : detected;
  if (!lang) return { findings: [], notices: [], language: undefined };
  const sel = selectRules({ only: rules ?? [] });
  if (!sel.ok) throw new Error(`unknown rules: ${sel.unknown.join(", ")}`);
  const linter = new Linter(
    sel.rules,
    sel.rules.map((r) => r.rule.id),
  );
  try {
    // As every output but SARIF: findings a directive suppressed are not reported.
    const res = await linter.lint({ path, text, language: lang });
    return { ...res, findings: unsuppressed(res.findings), language: lang };
  } finally {
    linter.dispose();
  }
}

export interface Expectation {
  line: number;
  ruleId: string;
}

/**
 * Reads `expect: <id>[, <id>]` annotations (in `//`, `/* … *\/` or `#` comments). Each applies to
 * the next line that is not itself an annotation. `ok:` and `todo-expect:` document non-matches.
 */
export function parseExpectations(text: string): Expectation[] {
  const lines = text.split("\n");
  const out: Expectation[] = [];
  const isAnnotation = (l: string): boolean => /^\s*(\/\/|\/\*|#)\s*(expect|ok|todo-expect):/.test(l);
  lines.forEach((l, i) => {
    const m = /^\s*(?:\/\/|\/\*|#)\s*expect:\s*([^*]*?)\s*(?:\*\/)?\s*$/.exec(l);
    if (!m) return;
    let target = i + 1;
    while (target < lines.length && isAnnotation(lines[target] as string)) target++;
    for (const id of (m[1] as string).split(/[\s,]+/).filter(Boolean)) out.push({ line: target + 1, ruleId: id });
  });
  return out;
}

export function formatPairs(pairs: Expectation[]): string[] {
  return pairs.map((p) => `${p.line}: ${p.ruleId}`).sort((a, b) => parseInt(a) - parseInt(b) || (a < b ? -1 : 1));
}
