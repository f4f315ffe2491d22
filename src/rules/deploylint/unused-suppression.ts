import { defineRule } from "../../engine/rule.js";

/**
 * Reported by the engine itself (src/engine/lint.ts, `unusedDirectives`): only the engine sees
 * suppressions, so this rule carries metadata and no `check`.
 */
export default defineRule({
  id: "deploylint/unused-suppression",
  languages: ["c", "cpp", "shell", "dockerfile", "upstart", "systemd", "make"],
  severity: "warning",
  fix: "never",
  tags: ["maintainability"],
  precision: "very-high",
  docs: {
    summary: "A `deploylint-disable` directive that suppresses nothing",
    why: [
      "A suppression that no longer matches a finding is noise at best. At worst it hides the next",
      "real finding on that line: the code under it changed, the hazard moved, and the directive",
      "silently swallows whatever comes there next. Like Ruff's `RUF100`, deploylint reports every",
      "directive (or rule named in one) that suppressed nothing in this run, and every directive",
      "that names a rule deploylint does not have (usually a typo, which would suppress nothing).",
    ].join("\n"),
    bad: [
      {
        file: "example.c",
        code: "int f(int x) {\n  // deploylint-disable-next-line c/misleading-indentation -- legacy\n  return x;\n}\n",
      },
      { file: "example.c", code: "// deploylint-disable-file c/misleading-identation\nint x;\n" },
    ],
    good: [
      {
        file: "example.c",
        code: [
          "int f(int x) {",
          "  if (x)",
          "    x++;",
          "    // deploylint-disable-next-line c/misleading-indentation -- generated code",
          "    x--;",
          "  return x;",
          "}",
          "",
        ].join("\n"),
      },
    ],
    related: ["Ruff RUF100 (unused-noqa)", "ESLint --report-unused-disable-directives"],
    notes: [
      "Only rules that are enabled in the run are checked: a directive for a rule you turned off",
      "with `--disable` or `--rule` is not reported as unused.",
    ].join("\n"),
  },
});
