/**
 * `keepSources`: a run whose report shows no source (JSON, GitHub annotations, `--statistics`)
 * keeps no file texts, in-process, from `--cache` hits and from the worker threads, and reports
 * the same findings; text and SARIF reports, which show or hash the source, still get it.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Linter } from "../src/engine/lint.js";
import { lintFileOnDisk } from "../src/engine/lint-file.js";
import { selectRules } from "../src/engine/registry.js";
import { lintPaths, type RunOptions } from "../src/engine/run.js";
import { GOTO_FAIL } from "./support/cli.js";
import { useTempDir, writeTree } from "./support/tmp.js";

const BIN = path.join(import.meta.dirname, "..", "dist/bundle/deploylint.js");
const tmp = useTempDir("deploylint-sources-");

const FILES = {
  "ssl.c": GOTO_FAIL,
  "deploy.sh": "#!/bin/sh\nset -e\ndocker run myorg/tool:1.0 migrate\n",
  "clean.c": "int g(void) { return 0; }\n",
};

function options(cwd: string, extra: Partial<RunOptions> = {}): RunOptions {
  return { cwd, root: cwd, selection: {}, maxBytes: 5 * 1024 * 1024, jobs: 1, ...extra };
}

describe("keepSources", () => {
  it("one file's outcome: its text only when asked for (what a worker sends back)", async () => {
    const cwd = writeTree(path.join(tmp(), "one"), FILES);
    const sel = selectRules({});
    if (!sel.ok) throw new Error("rules");
    const linter = new Linter(
      sel.rules,
      sel.rules.map((r) => r.rule.id),
    );
    try {
      const task = { path: "deploy.sh", absPath: path.join(cwd, "deploy.sh"), language: "shell" as const, explicit: false };
      const kept = await lintFileOnDisk(linter, task, 1 << 20, undefined);
      const dropped = await lintFileOnDisk(linter, task, 1 << 20, undefined, undefined, false);
      expect(kept.text).toBe(FILES["deploy.sh"]);
      expect(dropped.text).toBeUndefined();
      expect(dropped.findings).toEqual(kept.findings);
      expect(dropped.findings.length).toBeGreaterThan(0);
    } finally {
      linter.dispose();
    }
  });

  it("kept by default: the text of each file with findings, and only those", async () => {
    const cwd = writeTree(path.join(tmp(), "default"), FILES);
    const { result } = await lintPaths(["."], options(cwd));
    expect([...result.sources.keys()].sort()).toEqual(["deploy.sh", "ssl.c"]);
    expect(result.sources.get("deploy.sh")).toBe(FILES["deploy.sh"]);
  });

  it("false: no texts, the same findings", async () => {
    const cwd = writeTree(path.join(tmp(), "none"), FILES);
    const kept = await lintPaths(["."], options(cwd));
    const dropped = await lintPaths(["."], options(cwd, { keepSources: false }));
    expect(dropped.result.sources.size).toBe(0);
    expect(dropped.result.findings).toEqual(kept.result.findings);
    expect(dropped.result.findings.map((f) => f.file).sort()).toEqual(["deploy.sh", "ssl.c"]);
  });

  it("false, with --cache hits: no texts either", async () => {
    const cwd = writeTree(path.join(tmp(), "cached"), FILES);
    const cache = { version: "1.0.0" };
    await lintPaths(["."], options(cwd, { cache }));
    const hit = await lintPaths(["."], options(cwd, { cache, keepSources: false }));
    expect(hit.cached).toBe(Object.keys(FILES).length);
    expect(hit.result.sources.size).toBe(0);
    expect(hit.result.findings.map((f) => f.file).sort()).toEqual(["deploy.sh", "ssl.c"]);
  });

  it.skipIf(!existsSync(BIN))("the bin with -j 2: JSON without texts, and text reports still show the code", () => {
    const files: Record<string, string> = { ...FILES };
    for (let i = 0; i < 70; i++) files[`a/s${i}.sh`] = `#!/bin/sh\nset -e\ndocker run --rm "busybox:1.${i}" echo ${i}\n`;
    const cwd = writeTree(path.join(tmp(), "pool"), files);
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, "-j", "2", ...args, "."], { cwd, encoding: "utf8" });
    const json = run("-f", "json");
    expect(json.status, json.stderr).toBe(1);
    expect((JSON.parse(json.stdout) as { file: string }[]).map((f) => f.file).sort()).toEqual(["deploy.sh", "ssl.c"]);
    const text = run("-f", "text", "--no-color");
    expect(text.stdout).toContain("docker run myorg/tool:1.0 migrate");
    expect(text.stdout).toContain("goto fail;");
  });
});
