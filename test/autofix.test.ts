/**
 * Autofix: the fix loop (multi-pass, convergence, safety stops), line endings, atomic writes, and
 * `--fix`, `--fix-unsafe`, `--fix-dry-run` end to end on temporary trees (in process, and the
 * built bin with `-j 2`).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../src/engine/atomic-write.js";
import { fixText, unifiedDiff, writeTarget, type LintText } from "../src/engine/autofix.js";
import { applyFixes, lineBreakAt, matchLineEndings } from "../src/engine/fix.js";
import { Linter } from "../src/engine/lint.js";
import { allRules, selectRules } from "../src/engine/registry.js";
import { SourceText } from "../src/engine/source.js";
import type { Finding, Notice } from "../src/engine/types.js";
import { cli, type CliRun } from "./support/cli.js";
import { useTempDir, writeTree } from "./support/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "dist/bundle/deploylint.js");

const tmp = useTempDir("deploylint-autofix-");
const tree = (name: string, files: Record<string, string | Buffer>): string => writeTree(path.join(tmp(), name), files);

/** The CLI in process, in one thread. */
const run = (args: string[], cwd: string): Promise<CliRun> => cli(["-j", "1", ...args], { cwd });

/** A finding with a fix, for the pure tests: the range does not matter to the fix loop. */
function finding(ruleId: string, edits: { start: number; end: number; text: string }[], applicability: "safe" | "unsafe" = "safe"): Finding {
  const pos = { offset: 0, line: 1, column: 1 };
  return { file: "f", ruleId, severity: "warning", message: ruleId, range: { start: pos, end: pos }, related: [], fix: { title: ruleId, applicability, edits } };
}

const MISSING_RM = "#!/bin/sh\nset -e\ndocker run myorg/tool:1.0 migrate\n";
const MISSING_RM_FIXED = "#!/bin/sh\nset -e\ndocker run --rm myorg/tool:1.0 migrate\n";
/** An entrypoint script whose server is not exec'd: only an unsafe fix (`exec `). */
const ENTRYPOINT = "#!/bin/sh\nset -e\necho starting\ngunicorn app:app\n";
/** A unit that needs the docker daemon (safe fix: two lines into [Unit]) and has a secret (no fix). */
const UNIT = "[Unit]\nDescription=web\n\n[Service]\nExecStart=/usr/bin/docker run --rm --name web -e DB_PASSWORD=hunter2 myorg/web:1.4\n";

describe("line endings of inserted text", () => {
  it("follows the line an edit lands on", () => {
    expect(lineBreakAt("a\r\nb\r\n", 0)).toBe("\r\n");
    expect(lineBreakAt("a\nb\n", 2)).toBe("\n");
    expect(lineBreakAt("a\r\nb", 4)).toBe("\r\n"); // a last line without a break: the one before
    expect(lineBreakAt("abc", 1)).toBe("\n");
  });

  it("writes an edit's \\n as \\r\\n on a CRLF line, and leaves \\r\\n alone", () => {
    const text = "[Unit]\r\nDescription=x\r\n";
    expect(matchLineEndings(text, { start: 8, end: 8, text: "After=docker.service\n" }).text).toBe("After=docker.service\r\n");
    expect(matchLineEndings(text, { start: 8, end: 8, text: "After=docker.service\r\n" }).text).toBe("After=docker.service\r\n");
    expect(matchLineEndings("a\nb\n", { start: 2, end: 2, text: "x\n" }).text).toBe("x\n");
  });

  it("findings carry their fixes in the file's line endings (the engine converts what rules write)", async () => {
    const sel = selectRules({});
    if (!sel.ok) throw new Error("rules");
    const l = new Linter(sel.rules, allRules().map((r) => r.id));
    try {
      for (const [file, language] of [["unit/missing-docker-dependency/crlf.service", "systemd"], ["c/misleading-indentation/brace-fix-crlf.c", "c"]] as const) {
        const text = readFileSync(path.join(ROOT, "test/fixtures", file), "utf8");
        const { findings } = await l.lint({ path: file, text, language });
        const inserted = findings.flatMap((f) => f.fix?.edits ?? []).map((e) => e.text).filter((t) => t.includes("\n"));
        expect(inserted.length, file).toBeGreaterThan(0);
        for (const t of inserted) expect(t.replaceAll("\r\n", ""), file).not.toContain("\n");
      }
    } finally {
      l.dispose();
    }
  });

  it("never applies the fix of a suppressed finding", () => {
    const f = { ...finding("r", [{ start: 0, end: 0, text: "x" }]), suppressed: { kind: "inSource" as const, line: 1 } };
    expect(applyFixes("a", [f], "unsafe").applied).toBe(0);
  });
});

describe("the fix loop", () => {
  /** A fake rule: reports "add one more `!`" until the text ends with `n` of them. */
  function bangs(n: number, calls: { count: number }): LintText {
    return async (text) => {
      calls.count++;
      const have = /!*$/.exec(text)?.[0].length ?? 0;
      return { findings: have < n ? [finding("bang", [{ start: text.length, end: text.length, text: "!" }])] : [], notices: [] };
    };
  }

  it("re-lints after each pass until nothing changes, and returns what remains", async () => {
    const calls = { count: 0 };
    const res = await fixText("hi", bangs(3, calls), "safe");
    expect(res).toMatchObject({ text: "hi!!!", applied: 3, passes: 3, findings: [] });
    expect(calls.count).toBe(4); // the first lint and one per pass
  });

  it("stops after maxPasses and reports the findings still there", async () => {
    const res = await fixText("hi", bangs(100, { count: 0 }), "safe", { maxPasses: 10 });
    expect(res.text).toBe("hi" + "!".repeat(10));
    expect(res.passes).toBe(10);
    expect(res.findings.map((f) => f.ruleId)).toEqual(["bang"]);
  });

  it("applies overlapping fixes in later passes", async () => {
    // Two fixes at the same point: the second is deferred, then applied after re-linting.
    const lint: LintText = async (text) => {
      const findings: Finding[] = [];
      if (!text.includes("A")) findings.push(finding("a", [{ start: 0, end: 0, text: "A" }]));
      if (!text.includes("B")) findings.push(finding("b", [{ start: 0, end: 0, text: "B" }]));
      return { findings, notices: [] };
    };
    const res = await fixText("x", lint, "safe");
    expect(res.text).toBe("BAx");
    expect(res.passes).toBe(2);
  });

  it("stops when two fixes undo each other", async () => {
    const lint: LintText = async (text) => ({
      findings: [finding("flip", [{ start: 0, end: 1, text: text[0] === "a" ? "b" : "a" }])],
      notices: [],
    });
    const res = await fixText("a", lint, "safe");
    expect(res.text).toBe("b");
    expect(res.passes).toBe(1);
  });

  it("undoes a pass that makes the file unparseable, with an internal-error notice", async () => {
    const lint: LintText = async (text) => ({
      findings: text.includes("X") ? [] : [finding("x", [{ start: 0, end: 0, text: "X" }])],
      notices: text.includes("X") ? [{ file: "f", kind: "parse-error", message: "could not parse" } satisfies Notice] : [],
    });
    const res = await fixText("a", lint, "safe", { file: "f" });
    expect(res.text).toBe("a");
    expect(res.applied).toBe(0);
    expect(res.notices).toEqual([expect.objectContaining({ file: "f", kind: "internal-error" })]);
  });

  it("leaves unsafe fixes to mode unsafe", async () => {
    const lint: LintText = async (text) => ({
      findings: text.startsWith("exec ") ? [] : [finding("u", [{ start: 0, end: 0, text: "exec " }], "unsafe")],
      notices: [],
    });
    expect((await fixText("srv", lint, "safe")).text).toBe("srv");
    expect((await fixText("srv", lint, "unsafe")).text).toBe("exec srv");
  });

  it("converges on real rules whose fixes clash (a systemd unit, --fix-unsafe)", async () => {
    const sel = selectRules({});
    if (!sel.ok) throw new Error("selection");
    const linter = new Linter(sel.rules, allRules().map((r) => r.id));
    try {
      const text = "[Unit]\nDescription=web\n\n[Service]\nExecStart=/usr/bin/docker run -d --name web myorg/web:1.4\n";
      const lint: LintText = (t) => linter.lint({ path: "web.service", text: t, language: "systemd" });
      const res = await fixText(text, lint, "unsafe");
      // `--rm` goes in right after `run`, where removing ` -d` starts: the removal waits a pass.
      expect(res.passes).toBe(2);
      expect(res.text).toBe(
        "[Unit]\nRequires=docker.service\nAfter=docker.service\nDescription=web\n\n[Service]\n" +
          "ExecStartPre=-/usr/bin/docker rm -f web\nExecStart=/usr/bin/docker run --rm --name web myorg/web:1.4\n",
      );
      expect(res.findings.filter((f) => f.fix)).toEqual([]);
    } finally {
      linter.dispose();
    }
  });

  it("makes a git-style unified diff", () => {
    expect(unifiedDiff("deploy.sh", MISSING_RM, MISSING_RM_FIXED)).toBe(
      "--- a/deploy.sh\n+++ b/deploy.sh\n@@ -1,3 +1,3 @@\n #!/bin/sh\n set -e\n-docker run myorg/tool:1.0 migrate\n+docker run --rm myorg/tool:1.0 migrate\n",
    );
    expect(unifiedDiff("x", "same", "same")).toBe("");
  });
});

describe("c/misleading-indentation's fix", () => {
  const C_ID = "c/misleading-indentation";
  const FIXTURES = path.join(ROOT, "test/fixtures", C_ID);

  async function withLinter<T>(fn: (lint: (file: string, text: string) => ReturnType<Linter["lint"]>) => Promise<T>): Promise<T> {
    const sel = selectRules({ only: [C_ID] });
    if (!sel.ok) throw new Error("selection");
    const linter = new Linter(sel.rules, allRules().map((r) => r.id));
    try {
      return await fn((file, text) => linter.lint({ path: file, text, language: file.endsWith(".cpp") ? "cpp" : "c" }));
    } finally {
      linter.dispose();
    }
  }

  it("removes exactly the findings it fixes and adds none, in every fixture", async () => {
    await withLinter(async (lint) => {
      const files = readdirSync(FIXTURES).filter((f) => !f.includes(".fixed"));
      for (const name of files) {
        const text = readFileSync(path.join(FIXTURES, name), "utf8");
        const first = await lint(name, text);
        const res = await fixText(text, (t) => lint(name, t), "unsafe", { first });
        const unfixed = first.findings.filter((f) => !f.fix).length;
        expect(res.findings.length, name).toBe(unfixed);
        expect(res.notices, name).toEqual([]);
      }
    });
  });

  it("--fix on Apple's goto fail: braces around the first goto, the second moved out, nothing left", async () => {
    const cwd = tree("goto-fail", {
      "ssl.c": "int f(int err) {\n\tif (err != 0)\n\t\tgoto fail;\n\t\tgoto fail;\n\treturn 0;\nfail:\n\treturn err;\n}\n",
    });
    const before = await run(["."], cwd);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("1 problem is fixable with `--fix`");
    const r = await run(["--fix", "."], cwd);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(cwd, "ssl.c"), "utf8")).toBe(
      "int f(int err) {\n\tif (err != 0) {\n\t\tgoto fail;\n\t}\n\tgoto fail;\n\treturn 0;\nfail:\n\treturn err;\n}\n",
    );
  });

  it("is unsafe when the body may be a macro of several statements", async () => {
    await withLinter(async (lint) => {
      const text = "void f(int x) {\n  if (x)\n    UNLOCK(m);\n    g();\n}\n";
      const [finding] = (await lint("m.c", text)).findings;
      expect(finding?.fix?.applicability).toBe("unsafe");
    });
  });
});

describe("atomic writes", () => {
  it("replaces the content, keeps the mode, leaves no temporary file", () => {
    const base = tree("atomic", { "run.sh": "old\n" });
    const file = path.join(base, "run.sh");
    chmodSync(file, 0o750);
    expect(writeFileAtomic(file, "new\n")).toEqual({ ok: true });
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(statSync(file).mode & 0o7777).toBe(0o750);
    expect(readdirSync(base)).toEqual(["run.sh"]);
  });

  it("fails as a value and cleans up when the rename cannot happen", () => {
    const base = tree("atomic-fail", { "d/x": "x" });
    // Renaming a file over a non-empty directory fails.
    const res = writeFileAtomic(path.join(base, "d"), "data");
    expect(res.ok).toBe(false);
    expect(readdirSync(base)).toEqual(["d"]);
  });

  it("writes through a symlink inside the tree, not one leading out of it", () => {
    const base = tree("links", { "tree/real.sh": "x", "outside/far.sh": "y" });
    const root = path.join(base, "tree");
    symlinkSync("real.sh", path.join(root, "in.sh"));
    symlinkSync("../outside/far.sh", path.join(root, "out.sh"));
    expect(writeTarget(path.join(root, "in.sh"), root)).toEqual({ ok: true, real: path.join(root, "real.sh") });
    expect(writeTarget(path.join(root, "out.sh"), root).ok).toBe(false);
    expect(writeTarget(path.join(root, "real.sh"), root)).toEqual({ ok: true, real: path.join(root, "real.sh") });
  });
});

describe("--fix, --fix-unsafe, --fix-dry-run", () => {
  it("--fix adds the missing --rm and reports nothing left", async () => {
    const cwd = tree("fix-rm", { "deploy.sh": MISSING_RM });
    const r = await run(["--fix", "."], cwd);
    expect(readFileSync(path.join(cwd, "deploy.sh"), "utf8")).toBe(MISSING_RM_FIXED);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("deploylint: fixed 1 problem in 1 file\n");
  });

  it("--fix leaves unsafe fixes alone (and does not touch the file); --fix-unsafe applies them", async () => {
    const cwd = tree("fix-unsafe", { "docker-entrypoint.sh": ENTRYPOINT });
    const file = path.join(cwd, "docker-entrypoint.sh");
    const before = statSync(file);
    const safe = await run(["--fix", "."], cwd);
    expect(readFileSync(file, "utf8")).toBe(ENTRYPOINT);
    expect(statSync(file).ino).toBe(before.ino); // never rewritten
    expect(safe.stdout).toContain("shell/entrypoint-without-exec");
    expect(safe.stdout).toContain("fixable with `--fix-unsafe`");
    const unsafe = await run(["--fix-unsafe", "."], cwd);
    expect(readFileSync(file, "utf8")).toBe(ENTRYPOINT.replace("gunicorn", "exec gunicorn"));
    expect(unsafe.stdout).toBe("");
    expect(unsafe.code).toBe(0);
  });

  it("--fix-dry-run prints the diff and the findings that would remain, and writes nothing", async () => {
    const cwd = tree("dry-run", { "deploy.sh": MISSING_RM, "docker-entrypoint.sh": ENTRYPOINT });
    const before = statSync(path.join(cwd, "deploy.sh"));
    const r = await run(["--fix-dry-run", "."], cwd);
    expect(r.stdout.startsWith("--- a/deploy.sh\n+++ b/deploy.sh\n")).toBe(true);
    expect(r.stdout).toContain("+docker run --rm myorg/tool:1.0 migrate\n");
    expect(r.stdout).not.toContain("exec gunicorn"); // unsafe: not in the safe set
    expect(r.stdout).toContain("shell/entrypoint-without-exec"); // the report of what remains
    expect(r.stdout).not.toContain("docker/run-missing-rm");
    expect(r.stderr).toContain("1 problem in 1 file would be fixed; nothing was written");
    expect(readFileSync(path.join(cwd, "deploy.sh"), "utf8")).toBe(MISSING_RM);
    expect(statSync(path.join(cwd, "deploy.sh")).mtimeMs).toBe(before.mtimeMs);
    const both = await run(["--fix-dry-run", "--fix-unsafe", "."], cwd);
    expect(both.stdout).toContain("+exec gunicorn app:app\n");
    expect(readFileSync(path.join(cwd, "docker-entrypoint.sh"), "utf8")).toBe(ENTRYPOINT);
    // A machine-readable report keeps standard output to itself: the diff goes to stderr.
    const json = await run(["--fix-dry-run", "-f", "json", "."], cwd);
    expect(JSON.parse(json.stdout).map((f: { ruleId: string }) => f.ruleId)).toEqual(["shell/entrypoint-without-exec"]);
    expect(json.stderr).toContain("+docker run --rm");
  });

  it("keeps CRLF line endings, the BOM and the file mode", async () => {
    const crlf = UNIT.replace(/\n/g, "\r\n");
    const cwd = tree("keep", { "web.service": crlf, "bom.sh": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MISSING_RM)]) });
    chmodSync(path.join(cwd, "bom.sh"), 0o755);
    chmodSync(path.join(cwd, "web.service"), 0o640);
    await run(["--fix", "."], cwd);
    const unit = readFileSync(path.join(cwd, "web.service"), "utf8");
    expect(unit).toContain("Requires=docker.service\r\nAfter=docker.service\r\n");
    expect(unit.replace(/\r\n/g, "")).not.toContain("\n"); // no lone LF anywhere
    const bom = readFileSync(path.join(cwd, "bom.sh"));
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom.subarray(3).toString("utf8")).toBe(MISSING_RM_FIXED);
    expect(statSync(path.join(cwd, "bom.sh")).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(cwd, "web.service")).mode & 0o7777).toBe(0o640);
    expect(readdirSync(cwd).sort()).toEqual(["bom.sh", "web.service"]); // no temporary file left behind
  });

  it("reports the remaining findings at their positions in the fixed file, and exits by them", async () => {
    const cwd = tree("remaining", { "web.service": UNIT });
    const before = JSON.parse((await run(["-f", "json", "."], cwd)).stdout) as { ruleId: string; line: number; column: number }[];
    expect(before.find((f) => f.ruleId === "docker/secret-in-env-flag")).toMatchObject({ line: 5, column: 50 });
    const r = await run(["--fix", "-f", "json", "."], cwd);
    const after = JSON.parse(r.stdout) as { ruleId: string; line: number; column: number; endColumn: number }[];
    expect(after.map((f) => f.ruleId)).toEqual(["docker/run-name-unguarded", "docker/secret-in-env-flag"]);
    const secret = after[1] as { line: number; column: number; endColumn: number };
    expect(secret).toMatchObject({ line: 7, column: 50 });
    const text = readFileSync(path.join(cwd, "web.service"), "utf8");
    const line = text.split("\n")[secret.line - 1] as string;
    expect(line.slice(secret.column - 1)).toMatch(/^DB_PASSWORD=hunter2/);
    expect(r.code).toBe(1); // the secret and the unguarded name are errors, still there
    expect(new SourceText(text).lineCount).toBe(8);
  });

  it("exit status comes from what remains: fixed warnings no longer count", async () => {
    const cwd = tree("exit", { "deploy.sh": MISSING_RM });
    expect((await run(["--max-warnings", "0", "--fix-dry-run", "."], cwd)).code).toBe(0);
    expect((await run(["--max-warnings", "0", "."], cwd)).code).toBe(1);
    expect((await run(["--max-warnings", "0", "--fix", "."], cwd)).code).toBe(0);
    expect((await run(["--max-warnings", "0", "."], cwd)).code).toBe(0);
  });

  it("fixes the target of a symlink inside the tree; not one leading outside it", async () => {
    const base = tree("fix-links", { "tree/real.sh": MISSING_RM, "outside/far.sh": MISSING_RM });
    const cwd = path.join(base, "tree");
    symlinkSync("../outside/far.sh", path.join(cwd, "far.sh"));
    symlinkSync("real.sh", path.join(cwd, "link.sh"));
    const r = await run(["--fix", "--root", ".", "link.sh", "far.sh"], cwd);
    expect(readFileSync(path.join(cwd, "real.sh"), "utf8")).toBe(MISSING_RM_FIXED);
    expect(lstatSync(path.join(cwd, "link.sh")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(base, "outside/far.sh"), "utf8")).toBe(MISSING_RM);
    expect(lstatSync(path.join(cwd, "far.sh")).isSymbolicLink()).toBe(true);
    expect(r.stdout).toContain("far.sh: notice: a symlink leads to a file outside the tree; not fixed");
    expect(r.stdout).toContain("docker/run-missing-rm"); // far.sh's finding is still reported
  });

  it("rejects --fix with --stdin", async () => {
    const r = await run(["--fix", "--stdin", "--stdin-filename", "a.sh"], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not --stdin");
  });

  it.skipIf(!existsSync(BIN))("the built bin fixes a tree with -j 2 exactly as -j 1 does", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) files[`s${String(i).padStart(2, "0")}.sh`] = MISSING_RM.replace("migrate", `task${i}`);
    files["web.service"] = UNIT;
    const one = tree("bin-j1", files);
    const two = tree("bin-j2", files);
    const run = (cwd: string, j: string) => spawnSync(process.execPath, [BIN, "--fix", "-j", j, "-f", "json", "."], { cwd, encoding: "utf8" });
    const a = run(one, "1");
    const b = run(two, "2");
    expect(b.status).toBe(a.status);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toBe("deploylint: fixed 81 problems in 81 files\n");
    for (const name of Object.keys(files)) {
      expect(readFileSync(path.join(two, name), "utf8")).toBe(readFileSync(path.join(one, name), "utf8"));
    }
    expect(readFileSync(path.join(two, "s07.sh"), "utf8")).toBe(MISSING_RM_FIXED.replace("migrate", "task7"));
  });
});
