/**
 * `--format github`: GitHub Actions workflow commands, escaped as @actions/core escapes them, with
 * repository-relative paths; and its selection by default under GitHub Actions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, GOTO_FAIL } from "./support/cli.js";
import { allRules } from "../src/engine/registry.js";
import { SourceText } from "../src/engine/source.js";
import type { Finding, Notice, RunResult, Severity } from "../src/engine/types.js";
import { escapeData, escapeProperty, formatGithub, workflowCommand } from "../src/formatters/github.js";
import { defaultFormat, DEFAULT_DOCS_BASE_URL, INFORMATION_URI, type FormatOptions } from "../src/formatters/index.js";

const OPTIONS: FormatOptions = { color: false, version: "1.2.3", informationUri: INFORMATION_URI, docsBaseUrl: DEFAULT_DOCS_BASE_URL };

function finding(file: string, text: string, needle: string, ruleId: string, severity: Severity, message: string): Finding {
  const src = new SourceText(text);
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in text`);
  return { file, ruleId, severity, message, range: src.range(at, at + needle.length), related: [] };
}

function run(findings: Finding[], notices: Notice[] = [], over: Partial<RunResult> = {}): RunResult {
  return { findings, notices, filesLinted: 1, cwd: "/work/repo/app", root: "/work/repo", sources: new Map(), ...over };
}

const C_TEXT = "int f(int x) {\n\tif (x)\n\t\tx++;\n\t\tx--;\n\treturn x;\n}\n";

describe("escaping, as @actions/core command.ts", () => {
  it("escapes %, CR and LF in the message, and nothing else", () => {
    expect(escapeData("100% sure\r\nnext line\nand: a, b")).toBe("100%25 sure%0D%0Anext line%0Aand: a, b");
    // % first, so an escape already in the text is not read back as one.
    expect(escapeData("%0A")).toBe("%250A");
  });

  it("also escapes : and , in properties", () => {
    expect(escapeProperty("C:\\src\\a,b.c")).toBe("C%3A\\src\\a%2Cb.c");
    expect(escapeProperty("50%: x,\ny")).toBe("50%25%3A x%2C%0Ay");
  });

  it("builds ::command props::message, leaving out empty properties", () => {
    expect(workflowCommand("error", [["file", "a.c"], ["line", "3"], ["col", ""], ["title", "t:1"]], "m")).toBe(
      "::error file=a.c,line=3,title=t%3A1::m",
    );
    expect(workflowCommand("warning", [["file", ""]], "only a message")).toBe("::warning::only a message");
  });
});

describe("the github formatter", () => {
  it("writes one annotation per finding, paths relative to the repository root", () => {
    const out = formatGithub(
      run([
        finding("src/main.c", C_TEXT, "x--;", "c/misleading-indentation", "warning", "`x--;` is not guarded by the `if`"),
        finding("../ops/Dockerfile", "FROM x\nRUN docker run a\n", "docker run", "docker/run-missing-rm", "error", "no --rm"),
        finding("src/main.c", C_TEXT, "return", "c/example", "info", "a note"),
      ]),
      allRules(),
      OPTIONS,
    );
    expect(out).toBe(
      [
        "::warning file=app/src/main.c,line=4,endLine=4,col=3,endColumn=7,title=c/misleading-indentation::app/src/main.c:4:3: `x--;` is not guarded by the `if`",
        "::error file=ops/Dockerfile,line=2,endLine=2,col=5,endColumn=15,title=docker/run-missing-rm::ops/Dockerfile:2:5: no --rm",
        "::notice file=app/src/main.c,line=5,endLine=5,col=2,endColumn=8,title=c/example::app/src/main.c:5:2: a note",
        "",
      ].join("\n"),
    );
  });

  it("escapes messages with %, newlines, and : and , in the path and title", () => {
    const text = "echo\n";
    const f = finding("we,ird:dir/a%b.sh", text, "echo", "x/odd,rule:id", "warning", "100% wrong:\nsecond line, really\r\n");
    const out = formatGithub(run([f], [], { cwd: "/r", root: "/r" }), [], OPTIONS);
    expect(out).toBe(
      "::warning file=we%2Cird%3Adir/a%25b.sh,line=1,endLine=1,col=1,endColumn=5,title=x/odd%2Crule%3Aid::" +
        "we,ird:dir/a%25b.sh:1:1: 100%25 wrong:%0Asecond line, really%0D%0A\n",
    );
    // One finding, one line: nothing in a message can start another workflow command.
    expect(out.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("gives columns only for a finding on one line (GitHub rejects them otherwise)", () => {
    const text = "a\nbb\nccc\n";
    const src = new SourceText(text);
    const f: Finding = { file: "x.sh", ruleId: "r/x", severity: "error", message: "m", range: src.range(2, 7), related: [] };
    expect(formatGithub(run([f], [], { cwd: "/r", root: "/r" }), [], OPTIONS)).toBe("::error file=x.sh,line=2,endLine=3,title=r/x::x.sh:2:1: m\n");
  });

  it("keeps the absolute path of a file outside the root, and resolved real paths when given", () => {
    const f = finding("../../elsewhere/x.c", "int x;\n", "int", "r/x", "error", "m");
    expect(formatGithub(run([f]), [], OPTIONS)).toContain("::error file=/work/elsewhere/x.c,");
    const linked = finding("link/x.c", "int x;\n", "int", "r/x", "error", "m");
    const out = formatGithub(run([linked], [], { realPaths: new Map([["link/x.c", "/work/repo/real/x.c"]]) }), [], OPTIONS);
    expect(out).toContain("::error file=real/x.c,");
  });

  it("prints notices as annotations: warnings, and errors for a rule that failed", () => {
    const notices: Notice[] = [
      { file: "assets/logo.bin", kind: "skipped", message: "binary file (NUL byte at offset 12); skipped" },
      { file: "secret.conf", kind: "unreadable", message: "permission denied" },
      { file: "src/main.c", kind: "internal-error", ruleId: "c/misleading-indentation", message: "rule failed: boom" },
    ];
    expect(formatGithub(run([], notices), [], OPTIONS)).toBe(
      [
        "::warning file=app/assets/logo.bin,title=deploylint skipped::app/assets/logo.bin: binary file (NUL byte at offset 12); skipped",
        "::warning file=app/secret.conf,title=deploylint unreadable::app/secret.conf: permission denied",
        "::error file=app/src/main.c,title=deploylint internal-error::app/src/main.c: rule failed: boom",
        "",
      ].join("\n"),
    );
  });

  it("leaves out suppressed findings and prints nothing for a clean run", () => {
    const f = finding("a.c", C_TEXT, "x--;", "c/misleading-indentation", "warning", "m");
    f.suppressed = { kind: "inSource", line: 3 };
    expect(formatGithub(run([f]), [], OPTIONS)).toBe("");
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI: the default format under GitHub Actions

describe("the default format", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "deploylint-gh-"));
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src/a.c"), GOTO_FAIL);
    writeFileSync(path.join(dir, "src/blob.sh"), Buffer.from([0x23, 0x21, 0, 1, 2]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is github when GITHUB_ACTIONS=true, text otherwise", () => {
    expect(defaultFormat({ GITHUB_ACTIONS: "true" })).toBe("github");
    expect(defaultFormat({})).toBe("text");
    expect(defaultFormat({ GITHUB_ACTIONS: "false" })).toBe("text");
    expect(defaultFormat({ CI: "true" })).toBe("text");
  });

  it("annotates under GitHub Actions without --format, paths relative to the repository root", async () => {
    const res = await cli(["a.c", "blob.sh"], { cwd: path.join(dir, "src"), env: { GITHUB_ACTIONS: "true" } });
    expect(res.stdout).toMatch(/^::(error|warning) file=src\/a\.c,line=4,endLine=4,col=3,endColumn=13,title=c\/misleading-indentation::src\/a\.c:4:3: /);
    expect(res.stdout).toContain("::warning file=src/blob.sh,title=deploylint skipped::src/blob.sh: ");
    // The notice is an annotation already: not repeated on stderr.
    expect(res.stderr).toBe("");
  });

  it("an explicit --format wins", async () => {
    const res = await cli(["--format", "json", "a.c"], { cwd: path.join(dir, "src"), env: { GITHUB_ACTIONS: "true" } });
    expect(JSON.parse(res.stdout)).toHaveLength(1);
    const text = await cli(["a.c"], { cwd: path.join(dir, "src"), env: {} });
    expect(text.stdout).toContain("c/misleading-indentation");
    expect(text.stdout).not.toContain("::warning");
  });

  it("--format github writes to a file; notices then also go to stderr", async () => {
    const res = await cli(["-f", "github", "-o", "../out.txt", "a.c", "blob.sh"], { cwd: path.join(dir, "src"), env: {} });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain("blob.sh");
  });
});
