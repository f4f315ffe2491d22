/**
 * The CLI end to end: exit codes, options, stdin, and bad input. Most cases call `main()` in
 * process with captured I/O; a few spawn the built bin to prove the real process behaves the same.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs, { chmodSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { cli, GOTO_FAIL } from "./support/cli.js";
import { useTempDir, writeTree } from "./support/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "dist/bundle/deploylint.js");

const CLEAN_C = "int g(int x) {\n\tif (x)\n\t\treturn 1;\n\treturn 0;\n}\n";

const tmp = useTempDir("deploylint-cli-");
const tree = (name: string, files: Record<string, string | Buffer>): string => writeTree(path.join(tmp(), name), files);

describe("exit codes and formats", () => {
  it("exits 1 with an error-level finding and prints a code frame and summary", async () => {
    const cwd = tree("bad", { "ssl.c": GOTO_FAIL });
    const r = await cli(["."], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("ssl.c");
    expect(r.stdout).toMatch(/4:3\s+error\s+statement is indented as if it were guarded by the 'if' on line 2/);
    expect(r.stdout).toContain("c/misleading-indentation");
    expect(r.stdout).toMatch(/✖ 1 problem \(1 error, 0 warnings\) in 1 file/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it("exits 0 on a clean tree and prints nothing", async () => {
    const cwd = tree("clean", { "ok.c": CLEAN_C, "README.md": "# hi\n" });
    const r = await cli([], { cwd });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("writes JSON with 1-based positions and the related guard", async () => {
    const cwd = tree("json", { "ssl.c": GOTO_FAIL });
    const r = await cli(["-f", "json", "ssl.c"], { cwd });
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ file: "ssl.c", line: 4, column: 3, ruleId: "c/misleading-indentation", severity: "error" });
    expect(out[0].related[0]).toMatchObject({ line: 2, column: 2 });
  });

  it("writes SARIF to --output-file and nothing to stdout", async () => {
    const cwd = tree("sarif", { "src/ssl.c": GOTO_FAIL });
    const r = await cli(["-f", "sarif", "-o", "out.sarif", "src"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const log = JSON.parse(readFileSync(path.join(cwd, "out.sarif"), "utf8"));
    const res = log.runs[0].results[0];
    expect(res.ruleId).toBe("c/misleading-indentation");
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe("src/ssl.c");
    expect(res.locations[0].physicalLocation.region).toMatchObject({ startLine: 4, startColumn: 3 });
  });

  it("--max-warnings turns warnings into exit 1, --quiet hides them", async () => {
    const cwd = tree("warn", { "a.c": "// deploylint-disable-next-line c/misleading-indentation\nint x;\n" });
    expect((await cli(["."], { cwd })).code).toBe(0);
    const over = await cli(["--max-warnings", "0", "."], { cwd });
    expect(over.code).toBe(1);
    expect(over.stderr).toContain("more than --max-warnings 0");
    expect((await cli(["--max-warnings", "1", "."], { cwd })).code).toBe(0);
    const quiet = await cli(["--quiet", "."], { cwd });
    expect(quiet.stdout).not.toContain("unused-suppression");
  });

  it("--rule and --disable select rules; unknown ones are a usage error", async () => {
    const cwd = tree("select", { "ssl.c": GOTO_FAIL });
    expect((await cli(["--disable", "c/misleading-indentation", "."], { cwd })).code).toBe(0);
    expect((await cli(["--rule", "c/misleading-indentation", "."], { cwd })).code).toBe(1);
    const bad = await cli(["--rule", "c/nope", "."], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("deploylint: unknown rule 'c/nope' (see 'deploylint rules')\n");
  });

  it("usage errors are one line and exit 2", async () => {
    const cwd = tree("usage", {});
    for (const args of [["--bogus"], ["-f", "xml"], ["--max-warnings", "x"], ["--stdin"], ["--stdin-filename", "a.c"]]) {
      const r = await cli(args, { cwd });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^deploylint: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("a nonexistent path is exit 2 with one line", async () => {
    const cwd = tree("missing", { "ok.c": CLEAN_C });
    const r = await cli(["ok.c", "nope.c"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("deploylint: no such file or directory: nope.c\n");
  });

  it("colour follows --color, NO_COLOR, FORCE_COLOR and the terminal", async () => {
    const cwd = tree("color", { "ssl.c": GOTO_FAIL });
    const ansi = /\x1b\[/;
    expect((await cli(["."], { cwd, tty: true })).stdout).toMatch(ansi);
    expect((await cli(["."], { cwd, tty: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ansi);
    expect((await cli(["."], { cwd, tty: false, env: { FORCE_COLOR: "1" } })).stdout).toMatch(ansi);
    expect((await cli(["--no-color", "."], { cwd, tty: true })).stdout).not.toMatch(ansi);
    expect((await cli(["--color", "."], { cwd, tty: false, env: { NO_COLOR: "1" } })).stdout).toMatch(ansi);
  });
});

describe("stdin", () => {
  it("lints standard input under --stdin-filename", async () => {
    const r = await cli(["--stdin", "--stdin-filename", "src/ssl.c", "-f", "json"], { cwd: tmp(), stdin: GOTO_FAIL });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ file: "src/ssl.c", line: 4 });
  });
  it("a file name deploylint does not lint gives no findings", async () => {
    const r = await cli(["--stdin", "--stdin-filename", "notes.txt"], { cwd: tmp(), stdin: GOTO_FAIL });
    expect(r.code).toBe(0);
  });
});

describe("subcommands", () => {
  it("explain prints the rule's docs", async () => {
    const r = await cli(["explain", "c/misleading-indentation"], { cwd: tmp() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# c/misleading-indentation");
    expect(r.stdout).toContain("## Why this is bad");
  });
  it("explain of an unknown rule is exit 2", async () => {
    const r = await cli(["explain", "x/y"], { cwd: tmp() });
    expect(r.code).toBe(2);
  });
  it("rules lists every rule", async () => {
    const r = await cli(["rules", "-f", "json"], { cwd: tmp() });
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
    expect(ids).toContain("c/misleading-indentation");
    expect(ids).toContain("deploylint/unused-suppression");
  });
  it("--version and --help", async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect((await cli(["--version"], { cwd: tmp() })).stdout).toBe(`${pkg.version}\n`);
    expect((await cli(["--help"], { cwd: tmp() })).stdout).toContain("Usage: deploylint");
  });
});

describe("bad input: a notice for the file, the run goes on", () => {
  it("binary, NUL bytes, invalid UTF-8, oversize, symlink loop", async () => {
    const cwd = tree("badinput", {
      "bin.c": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]),
      "nul.sh": Buffer.from("#!/bin/sh\necho a\0b\n"),
      "latin1.c": Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0x74, 0xe9, 0x0a]),
      "big.c": `${"int x;\n".repeat(3000)}`,
      "ssl.c": GOTO_FAIL,
    });
    mkdirSync(path.join(cwd, "loop"));
    symlinkSync("..", path.join(cwd, "loop", "up"));
    const r = await cli(["--max-file-size", "10K", "-f", "json", "."], { cwd });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    const text = await cli(["--max-file-size", "10K", "."], { cwd });
    expect(text.stdout).toMatch(/bin\.c.*binary file/);
    expect(text.stdout).toMatch(/nul\.sh.*binary file/);
    expect(text.stdout).toMatch(/latin1\.c.*not valid UTF-8/);
    expect(text.stdout).toMatch(/big\.c.*over the 10 KB limit/);
    expect(text.stdout).toMatch(/symlink loop/);
    expect(text.stdout).toContain("ssl.c");
  });

  it("a BOM and CRLF line endings keep positions right", async () => {
    const crlf = GOTO_FAIL.replace(/\n/g, "\r\n");
    const cwd = tree("bomcrlf", { "a.c": `\uFEFF${GOTO_FAIL}`, "b.c": crlf, "c.c": `\uFEFF${crlf}` });
    const r = await cli(["-f", "json", "."], { cwd });
    const out = JSON.parse(r.stdout) as { file: string; line: number; column: number; endColumn: number }[];
    expect(out.map((f) => [f.file, f.line, f.column, f.endColumn])).toEqual([
      ["a.c", 4, 3, 13],
      ["b.c", 4, 3, 13],
      ["c.c", 4, 3, 13],
    ]);
  });

  it("an unreadable file named on the command line: a notice, the rest is linted, exit 2", async () => {
    const cwd = tree("unreadable", { "ssl.c": GOTO_FAIL, "locked.c": CLEAN_C });
    const locked = path.join(cwd, "locked.c");
    // Tests run as root, which chmod 000 does not stop: fail the open itself, as Node.js would.
    const real = fs.openSync;
    const spy = vi.spyOn(fs, "openSync").mockImplementation(((p: fs.PathLike, ...rest: never[]) => {
      if (p === locked) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      return (real as (...a: unknown[]) => number)(p, ...rest);
    }) as typeof fs.openSync);
    try {
      const r = await cli(["-j", "1", "locked.c", "ssl.c"], { cwd });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/locked\.c.*permission denied/);
      expect(r.stdout).toContain("c/misleading-indentation");
    } finally {
      spy.mockRestore();
    }
  });

  it("a FIFO is skipped with a notice, not waited on", async () => {
    const cwd = tree("fifo", { "ssl.c": GOTO_FAIL });
    execFileSync("mkfifo", [path.join(cwd, "pipe.c")]);
    const r = await cli(["pipe.c", "ssl.c"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/pipe\.c.*not a regular file/);
  });

  it("a file that cannot be opened (not root only)", async () => {
    if (process.getuid?.() === 0) return; // root reads anything; read.test.ts covers the mapping
    const cwd = tree("perm", { "secret.c": CLEAN_C });
    chmodSync(path.join(cwd, "secret.c"), 0);
    const r = await cli(["."], { cwd });
    expect(r.stdout).toMatch(/secret\.c.*permission denied/);
  });
});

describe("the built bin", () => {
  it("runs as a process with the same exit codes and one-line errors", () => {
    const cwd = tree("bin", { "ssl.c": GOTO_FAIL });
    const bad = spawnSync(process.execPath, [BIN, "."], { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("c/misleading-indentation");
    const usage = spawnSync(process.execPath, [BIN, "--nope"], { cwd, encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr.trim().split("\n")[0]).toBe("deploylint: unknown option '--nope'");
    const ver = execFileSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    expect(ver).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
  it("writes a large report whole to a pipe, and stops quietly when the reader goes away", () => {
    // Some 300 KB of report: more than a pipe holds, so the writer meets a full pipe and, below,
    // a closed one.
    const cwd = tree("bin-pipe", { "many.c": GOTO_FAIL.repeat(400) });
    const whole = spawnSync(process.execPath, [BIN, "-f", "json", "."], { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
    expect(whole.status).toBe(1);
    expect(whole.stdout.length).toBeGreaterThan(200_000);
    expect((JSON.parse(whole.stdout) as unknown[]).length).toBe(400);
    const cut = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" -f json . | head -c 100 > /dev/null; echo done`], { cwd, encoding: "utf8" });
    expect(cut.stderr).toBe("");
    expect(cut.stdout).toBe("done\n");
  });
  it("lints the shipped examples: every rule shows on the example deployment, in JSON and SARIF", () => {
    const r = spawnSync(process.execPath, [BIN, "-f", "json", "examples/"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { file: string; line: number; ruleId: string }[];
    expect(out.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      "examples/Makefile:21 docker/run-missing-rm",
      "examples/Makefile:21 docker/run-name-unguarded",
      "examples/deploy/Dockerfile:3 dockerfile/no-test-step",
      "examples/deploy/antisocial-worker.service:9 docker/guard-not-fault-tolerant",
      "examples/deploy/antisocial-worker.service:9 unit/missing-docker-dependency",
      "examples/deploy/antisocial-worker.service:11 docker/secret-in-env-flag",
      "examples/deploy/antisocial.conf:11 docker/guard-not-fault-tolerant",
      "examples/deploy/antisocial.conf:11 unit/missing-docker-dependency",
      "examples/deploy/deploy.sh:16 docker/run-missing-rm",
      "examples/deploy/docker-postfix.service:11 docker/detached-under-supervisor",
      "examples/deploy/docker-postfix.service:11 docker/restart-under-supervisor",
      "examples/deploy/docker-run.sh:31 shell/entrypoint-without-exec",
      "examples/deploy/redis.conf:10 docker/run-name-unguarded",
      "examples/src/sslKeyExchange.c:41 c/misleading-indentation",
    ]);
    const sarif = spawnSync(process.execPath, [BIN, "-f", "sarif", "examples/"], { cwd: ROOT, encoding: "utf8" });
    const results = JSON.parse(sarif.stdout).runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    expect(results.map((x) => `${x.locations[0]?.physicalLocation.artifactLocation.uri}:${x.locations[0]?.physicalLocation.region.startLine} ${x.ruleId}`)).toEqual(
      out.map((f) => `${f.file}:${f.line} ${f.ruleId}`),
    );
  });
});
