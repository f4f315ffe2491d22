/**
 * `deploylint init`: a starter `.deploylint.yaml` that lists every setting and every rule with its
 * default level and options, commented out. Lines starting with `##` are prose; lines starting
 * with `#` are settings at their defaults, each valid YAML once its `#` is removed.
 */
import type { OptionSpec, Rule } from "../engine/rule.js";

export const STARTER_FILE_NAME = ".deploylint.yaml";

function oneLine(s: string): string {
  return s.replace(/`/g, "").replace(/\s+/g, " ").trim();
}

function yamlValue(spec: OptionSpec): string {
  const v = spec.default;
  if (Array.isArray(v)) return `[${v.map((s) => JSON.stringify(s)).join(", ")}]`;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function ruleLines(rule: Rule): string[] {
  const out = [`  ## ${rule.id} (default ${rule.severity}; fix: ${{ never: "no", sometimes: "sometimes", always: "yes" }[rule.fix]}): ${oneLine(rule.docs.summary)}`];
  const options = Object.entries(rule.options ?? {});
  if (options.length === 0) {
    out.push(`  # ${rule.id}: ${rule.severity}`);
    return out;
  }
  out.push(`  # ${rule.id}:`, `  #   - ${rule.severity}`);
  options.forEach(([name, spec], i) => {
    out.push(`  #   ${i === 0 ? "- " : "  "}${name}: ${yamlValue(spec)}  ## ${oneLine(spec.description)}`);
  });
  return out;
}

/** The text of a starter config for these rules. */
export function starterConfig(rules: readonly Rule[]): string {
  return [
    "## deploylint configuration: every key is described in docs/configuration.md.",
    "##",
    "## This file applies to the files in its directory and below. Config files further up, to the",
    "## repository root, apply too (the nearer file wins); `root: true` stops the search here.",
    "## Lines starting with one `#` are settings at their defaults: remove the `#` to change one.",
    "",
    "# root: true",
    "",
    "## Paths not to lint, in .gitignore syntax, relative to this directory.",
    "ignore:",
    "  # - vendor/",
    '  # - "**/generated/"',
    "",
    "## More file names per language (no slash: a name at any depth; with one: relative to this directory).",
    "languages:",
    '  # upstart: ["*.upstart"]',
    '  # shell: ["bin/*"]',
    "",
    "## Skip files larger than this: bytes, or a size like 500K or 5M.",
    "# maxFileSize: 5M",
    "",
    "## Rule levels: off, info, warning or error; or [level, { options }].",
    "rules:",
    ...rules.flatMap(ruleLines),
    "",
    "## Rule settings for some files only; later overrides win over earlier ones.",
    "overrides:",
    '  # - files: ["test/**"]',
    "  #   rules:",
    "  #     docker/run-missing-rm: off",
    "",
  ].join("\n");
}
