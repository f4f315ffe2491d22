/**
 * `--statistics`: a count per rule, most first, `[*]`/`[-]` for fixable rules; JSON with -f json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, type CliRun } from "./support/cli.js";
import { formatStatisticsJson, formatStatisticsText, ruleStatistics } from "../src/formatters/statistics.js";
import type { Finding } from "../src/engine/types.js";

function f(ruleId: string, fix?: "safe" | "unsafe"): Finding {
  const pos = { offset: 0, line: 1, column: 1 };
  return {
    file: "x",
    ruleId,
    severity: "warning",
    message: "m",
    range: { start: pos, end: pos },
    related: [],
    ...(fix ? { fix: { title: "t", applicability: fix, edits: [{ start: 0, end: 0, text: "y" }] } } : {}),
  };
}

describe("statistics", () => {
  const findings = [
    f("b/two"),
    f("a/one", "unsafe"),
    f("c/twelve", "safe"),
    ...Array.from({ length: 11 }, () => f("c/twelve")),
    f("b/two"),
  ];

  it("counts per rule, most first, then by id, marking what --fix and --fix-unsafe fix", () => {
    expect(ruleStatistics(findings)).toEqual([
      { ruleId: "c/twelve", count: 12, fixable: true, unsafeFixable: false },
      { ruleId: "b/two", count: 2, fixable: false, unsafeFixable: false },
      { ruleId: "a/one", count: 1, fixable: false, unsafeFixable: true },
    ]);
    expect(formatStatisticsText(findings)).toBe("  12  c/twelve  [*]\n   2  b/two\n   1  a/one     [-]\n");
    expect(JSON.parse(formatStatisticsJson(findings))[0]).toEqual({ ruleId: "c/twelve", count: 12, fixable: true, unsafeFixable: false });
    expect(formatStatisticsText([])).toBe("");
    expect(formatStatisticsJson([])).toBe("[]\n");
  });

  describe("on the command line", () => {
    let cwd: string;
    beforeAll(() => {
      cwd = mkdtempSync(path.join(os.tmpdir(), "deploylint-stats-"));
      mkdirSync(path.join(cwd, "d"));
      writeFileSync(path.join(cwd, "d/a.sh"), "docker run x\ndocker run y\n");
      writeFileSync(path.join(cwd, "d/b.sh"), "docker run -e DB_PASSWORD=hunter2 --rm z\n");
    });
    afterAll(() => rmSync(cwd, { recursive: true, force: true }));

    const run = (args: string[]): Promise<CliRun> => cli(["-j", "1", ...args], { cwd });

    it("replaces the report; the exit status is the report's", async () => {
      const r = await run(["--statistics", "."]);
      expect(r.stdout).toBe("  2  docker/run-missing-rm      [*]\n  1  docker/secret-in-env-flag\n");
      expect(r.code).toBe(1);
      const json = await run(["--statistics", "-f", "json", "."]);
      expect(JSON.parse(json.stdout)).toEqual([
        { ruleId: "docker/run-missing-rm", count: 2, fixable: true, unsafeFixable: false },
        { ruleId: "docker/secret-in-env-flag", count: 1, fixable: false, unsafeFixable: false },
      ]);
      const bad = await run(["--statistics", "-f", "sarif", "."]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--statistics");
    });

    it("counts what remains after --fix-dry-run", async () => {
      const r = await run(["--statistics", "--fix-dry-run", "."]);
      expect(r.stdout).toContain("+docker run --rm x\n");
      expect(r.stdout.endsWith("  1  docker/secret-in-env-flag\n")).toBe(true);
    });
  });
});
