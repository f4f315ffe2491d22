/**
 * A worker pool (runs of 64 files or more, `-j 2`) reports what one thread (`-j 1`) reports, to
 * the byte: C/C++ files linted before the WebAssembly choice, those that need a parse held in the
 * workers until it is made (src/engine/pool.ts), and shell scripts whose findings depend on facts
 * from a Dockerfile. Through the built bin: the pool needs the compiled worker script.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ONE_WORKER_FROM, staysInThread } from "../src/engine/run.js";
import { useTempDir, writeRepo, writeTree } from "./support/tmp.js";

const BIN = path.join(import.meta.dirname, "..", "dist/bundle/deploylint.js");
const base = useTempDir("deploylint-pool-");

interface Report {
  file: string;
  line: number;
  ruleId: string;
}

/** The run's JSON report, and its text report (whose code frames show each file's own text). */
function run(cwd: string, jobs: number): { stdout: string; findings: Report[] } {
  const out = (format: string): string => {
    const r = spawnSync(process.execPath, [BIN, "-j", String(jobs), "-f", format, "."], { cwd, encoding: "utf8" });
    // 0, or 1 for findings at error level.
    expect([0, 1], r.stderr).toContain(r.status);
    return r.stdout;
  };
  const json = out("json");
  return { stdout: json + out("text"), findings: JSON.parse(json) as Report[] };
}

/** Scripts that name a container tool (so they are parsed) and report nothing. */
function fillers(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`a/s${i}.sh`] = `#!/bin/sh\nset -e\ndocker run --rm "busybox:1.${i}" echo ${i}\n`;
  return files;
}

describe("a worker pool reports what one thread does", () => {
  it.skipIf(!existsSync(BIN))("a script a Dockerfile makes its entrypoint", () => {
    const example = (f: string) => readFileSync(path.join(import.meta.dirname, "..", "examples/deploy", f), "utf8");
    const cwd = writeTree(path.join(base(), "entrypoint"), {
      ...fillers(70),
      "p/Dockerfile": example("Dockerfile"),
      "p/docker-run.sh": example("docker-run.sh"),
    });
    const one = run(cwd, 1);
    expect(one.findings.filter((f) => f.ruleId === "shell/entrypoint-without-exec").map((f) => f.file)).toEqual(["p/docker-run.sh"]);
    expect(run(cwd, 2).stdout).toBe(one.stdout);
  });

  it.skipIf(!existsSync(BIN))("C that needs a parse, held until the WebAssembly choice, among C that does not and shell", () => {
    const fn = (i: number) => `int f${i}(int x) {\n    if (x > ${i})\n        x -= ${i};\n    return x;\n}\n`;
    const plain = Array.from({ length: 40 }, (_, i) => fn(i)).join("");
    const misleading = (i: number) => `int g(int x) {\n    if (x)\n        x++;\n        x -= ${i};\n    return x;\n}\n`;
    const files: Record<string, string> = { ...fillers(40) };
    // Each misleading guard on a line of its own and with a text of its own: an outcome
    // released under another file's index would show in the code frames.
    for (let i = 0; i < 60; i++) files[`c/f${i}.c`] = i % 3 === 0 ? fn(100).repeat(i) + misleading(i) + plain : plain;
    const cwd = writeTree(path.join(base(), "c"), files);
    const one = run(cwd, 1);
    expect(one.findings.filter((f) => f.ruleId === "c/misleading-indentation")).toHaveLength(20);
    expect(run(cwd, 2).stdout).toBe(one.stdout);
  });
});

/** V8's isolates that collected garbage in a run, from `--trace-gc` (each line names its isolate). */
function isolatesThatCollected(trace: string): Set<string> {
  return new Set([...trace.matchAll(/^\[\d+:(0x[0-9a-f]+)\]/gm)].map((m) => m[1] ?? ""));
}

describe("--jobs 1 on a large run lints in one worker thread", () => {
  /** `files` scripts, most ruled out unparsed, a Dockerfile whose entrypoint one of them is, and C. */
  function tree(name: string, files: number): string {
    const example = (f: string) => readFileSync(path.join(import.meta.dirname, "..", "examples/deploy", f), "utf8");
    const all: Record<string, string> = {
      "p/Dockerfile": example("Dockerfile"),
      "p/docker-run.sh": example("docker-run.sh"),
      "c/ssl.c": readFileSync(path.join(import.meta.dirname, "..", "examples/src/sslKeyExchange.c"), "utf8"),
    };
    for (let i = 0; i < files - 3; i++) {
      all[`s/${i % 64}/${i}.sh`] = i % 100 === 0 ? `#!/bin/sh\ndocker run --name job${i} busybox true\n` : `#!/bin/sh\necho ${i}\n`;
    }
    return writeRepo(path.join(base(), name), all);
  }

  /** The run's JSON report (written to a file: the GC trace goes to standard output) and its isolates. */
  function traced(cwd: string, jobs: number): { report: string; isolates: Set<string> } {
    const r = spawnSync(process.execPath, ["--trace-gc", BIN, "-j", String(jobs), "-f", "json", "-o", "report.json", "."], { cwd, encoding: "utf8" });
    expect([0, 1], r.stderr).toContain(r.status);
    return { report: readFileSync(path.join(cwd, "report.json"), "utf8"), isolates: isolatesThatCollected(r.stdout) };
  }

  it.skipIf(!existsSync(BIN))(`from ${ONE_WORKER_FROM} files: a second isolate, and the report -j 2 gives`, () => {
    const cwd = tree("large", ONE_WORKER_FROM + 10);
    const one = traced(cwd, 1);
    expect(one.isolates.size).toBe(2);
    const findings = JSON.parse(one.report) as Report[];
    expect(findings.filter((f) => f.ruleId === "shell/entrypoint-without-exec").map((f) => f.file)).toEqual(["p/docker-run.sh"]);
    expect(findings.filter((f) => f.ruleId === "c/misleading-indentation").map((f) => f.file)).toEqual(["c/ssl.c"]);
    expect(findings.filter((f) => f.file.startsWith("s/")).length).toBeGreaterThanOrEqual(41);
    expect(traced(cwd, 2).report).toBe(one.report);
  });

  it.skipIf(!existsSync(BIN))("below it: this thread only", () => {
    const cwd = tree("smaller", 400);
    const one = traced(cwd, 1);
    expect(one.isolates.size).toBeLessThanOrEqual(1);
    expect(traced(cwd, 2).report).toBe(one.report);
  });
});

describe("a pool that cannot start", () => {
  const limit = Object.assign(new Error("Worker initialization failure: EAGAIN"), { code: "ERR_WORKER_INIT_FAILED" });

  it("leaves a -j 1 run in this thread", () => {
    expect(staysInThread(1, limit)).toBe(true);
  });

  it("ends a run of more jobs, and any other error", () => {
    expect(staysInThread(2, limit)).toBe(false);
    expect(staysInThread(1, new Error("boom"))).toBe(false);
  });
});
