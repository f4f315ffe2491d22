/**
 * Suppressed findings: the engine keeps them, marked; the CLI reports them only in SARIF with
 * `--sarif-include-suppressed`, and never counts them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, type CliRun } from "./support/cli.js";
import { Linter } from "../src/engine/lint.js";
import { allRules, selectRules } from "../src/engine/registry.js";
import { excerptsOf } from "../src/engine/excerpt.js";
import { unsuppressed, withoutSuppressed } from "../src/engine/result.js";
import type { RunResult } from "../src/engine/types.js";
import type { SarifLog } from "../src/formatters/sarif.js";
import { lintString } from "./helpers.js";

const RULE = "c/misleading-indentation";

const SUPPRESSED_C = [
  "int f(int err) {",
  "\tif (err != 0)",
  `\t\tgoto fail; // deploylint-disable-next-line ${RULE} -- generated code`,
  "\t\tgoto fail;",
  "\treturn 0;",
  "fail:",
  "\treturn err;",
  "}",
  "",
].join("\n");

async function engineLint(text: string) {
  const sel = selectRules({});
  if (!sel.ok) throw new Error("rules");
  const linter = new Linter(sel.rules, allRules().map((r) => r.id));
  try {
    return await linter.lint({ path: "a.c", text, language: "c" });
  } finally {
    linter.dispose();
  }
}

describe("the engine", () => {
  it("keeps a suppressed finding, marked with the directive's line and reason", async () => {
    const res = await engineLint(SUPPRESSED_C);
    const hit = res.findings.filter((f) => f.ruleId === RULE);
    expect(hit).toHaveLength(1);
    expect(hit[0]?.range.start.line).toBe(4);
    expect(hit[0]?.suppressed).toEqual({ kind: "inSource", justification: "generated code", line: 3 });
    // A used directive is not reported as unused.
    expect(res.findings.map((f) => f.ruleId)).not.toContain("deploylint/unused-suppression");
  });

  it("leaves out the justification when the directive gives none", async () => {
    const res = await engineLint(SUPPRESSED_C.replace(" -- generated code", ""));
    expect(res.findings.find((f) => f.ruleId === RULE)?.suppressed).toEqual({ kind: "inSource", line: 3 });
  });

  it("the test helper (as every output but SARIF) drops suppressed findings", async () => {
    expect((await lintString("a.c", SUPPRESSED_C)).findings).toEqual([]);
  });

  it("withoutSuppressed drops them, and the sources only they needed", async () => {
    const res = await engineLint(SUPPRESSED_C);
    const run: RunResult = { findings: res.findings, notices: [], filesLinted: 1, cwd: "/r", root: "/r", sources: excerptsOf(new Map([["a.c", SUPPRESSED_C]]), res.findings) };
    expect(run.sources.size).toBe(1);
    const out = withoutSuppressed(run);
    expect(out.findings).toEqual([]);
    expect(out.sources.size).toBe(0);
    expect(unsuppressed(res.findings)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** The CLI in process; `--stdin` reads the suppressed file. */
const runCli = (args: string[], cwd: string): Promise<CliRun> => cli(args, { cwd, stdin: SUPPRESSED_C });

describe("the CLI", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "deploylint-suppressed-"));
    mkdirSync(path.join(dir, ".git"));
    writeFileSync(path.join(dir, "a.c"), SUPPRESSED_C);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("text, json and github show nothing and exit 0", async () => {
    const text = await runCli(["a.c"], dir);
    expect(text.stdout).not.toContain(RULE);
    expect(text.code).toBe(0);
    const json = await runCli(["-f", "json", "a.c"], dir);
    expect(JSON.parse(json.stdout)).toEqual([]);
    expect(json.code).toBe(0);
    const github = await runCli(["-f", "github", "a.c"], dir);
    expect(github.stdout).toBe("");
    expect(github.code).toBe(0);
    // --max-warnings does not count them either.
    expect((await runCli(["--max-warnings", "0", "a.c"], dir)).code).toBe(0);
  });

  it("SARIF leaves them out by default", async () => {
    const res = await runCli(["-f", "sarif", "a.c"], dir);
    const log = JSON.parse(res.stdout) as SarifLog;
    expect(log.runs[0]?.results).toEqual([]);
    expect(res.code).toBe(0);
  });

  it("SARIF with --sarif-include-suppressed reports them with suppressions[], still exit 0", async () => {
    for (const args of [["a.c"], ["--stdin", "--stdin-filename", "a.c"]]) {
      const res = await runCli(["-f", "sarif", "--sarif-include-suppressed", ...args], dir);
      const results = (JSON.parse(res.stdout) as SarifLog).runs[0]?.results ?? [];
      expect(results.map((r) => r.ruleId)).toEqual([RULE]);
      expect(results[0]?.suppressions).toEqual([
        {
          kind: "inSource",
          justification: "generated code",
          location: { physicalLocation: { artifactLocation: { uri: "a.c", uriBaseId: "%SRCROOT%" }, region: { startLine: 3 } } },
        },
      ]);
      expect(res.code).toBe(0);
    }
  });

  it("--sarif-include-suppressed goes with --format sarif only", async () => {
    const res = await runCli(["-f", "json", "--sarif-include-suppressed", "a.c"], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--sarif-include-suppressed goes with --format sarif");
    expect((await runCli(["--sarif-include-suppressed", "a.c"], dir)).code).toBe(2);
  });
});
