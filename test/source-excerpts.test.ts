/**
 * What a run keeps of the source of files with findings (src/engine/excerpt.ts): the line each
 * finding starts on (code frames) and its SARIF fingerprint, worked out where the file is linted
 * (in-process, from `--cache` hits, in the worker threads), and nothing for a report that shows no
 * source (JSON, GitHub annotations, `--statistics`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_SOURCE, excerptOf, NO_SOURCE } from "../src/engine/excerpt.js";
import { hashLines } from "../src/engine/fingerprint.js";
import { Linter } from "../src/engine/lint.js";
import { lintFileOnDisk } from "../src/engine/lint-file.js";
import { selectRules } from "../src/engine/registry.js";
import { lintPaths, type RunOptions } from "../src/engine/run.js";
import type { Finding } from "../src/engine/types.js";
import { sourceNeeds } from "../src/formatters/index.js";
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

function at(line: number, column = 1): Finding {
  const pos = { offset: 0, line, column };
  return { file: "f", ruleId: "r/x", severity: "error", message: "m", range: { start: pos, end: pos }, related: [] };
}

describe("excerptOf", () => {
  const text = "one\n\tdocker run x\r\nthree\nfour\n";

  it("keeps the line each finding starts on, without its line break, and that line's fingerprint", () => {
    const excerpt = excerptOf(text, [at(2, 2), at(2, 9), at(4)], ALL_SOURCE);
    expect(excerpt?.lines).toEqual(
      new Map([
        [2, "\tdocker run x"],
        [4, "four"],
      ]),
    );
    const all = hashLines(text);
    expect(excerpt?.hashes).toEqual(
      new Map([
        [2, all[1]],
        [4, all[3]],
      ]),
    );
  });

  it("keeps only what the report needs, and nothing without findings", () => {
    expect(excerptOf(text, [at(1)], sourceNeeds("text"))?.hashes.size).toBe(0);
    expect(excerptOf(text, [at(1)], sourceNeeds("text"))?.lines.get(1)).toBe("one");
    expect(excerptOf(text, [at(1)], sourceNeeds("sarif"))?.lines.size).toBe(0);
    expect(excerptOf(text, [at(1)], sourceNeeds("sarif"))?.hashes.get(1)).toBe(hashLines(text)[0]);
    expect(excerptOf(text, [at(1)], sourceNeeds("json"))).toBeUndefined();
    expect(excerptOf(text, [at(1)], sourceNeeds("github"))).toBeUndefined();
    expect(excerptOf(text, [at(1)], sourceNeeds("text", true))).toBeUndefined();
    expect(excerptOf(text, [], ALL_SOURCE)).toBeUndefined();
  });

  it("a line past the end (a finding at end of file) has no text and no fingerprint", () => {
    const excerpt = excerptOf("x\n", [at(9)], ALL_SOURCE);
    expect(excerpt?.lines.size).toBe(0);
    expect(excerpt?.hashes.size).toBe(0);
  });
});

describe("a run's sources", () => {
  it("one file's outcome: its excerpt only when asked for (what a worker sends back)", async () => {
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
      const dropped = await lintFileOnDisk(linter, task, 1 << 20, undefined, undefined, NO_SOURCE);
      expect(kept.excerpt).toEqual(excerptOf(FILES["deploy.sh"], kept.findings, ALL_SOURCE));
      expect(kept.excerpt?.lines.get(3)).toBe("docker run myorg/tool:1.0 migrate");
      expect(dropped.excerpt).toBeUndefined();
      expect(dropped.findings).toEqual(kept.findings);
      expect(dropped.findings.length).toBeGreaterThan(0);
    } finally {
      linter.dispose();
    }
  });

  it("by default: the excerpt of each file with findings, and only those", async () => {
    const cwd = writeTree(path.join(tmp(), "default"), FILES);
    const { result } = await lintPaths(["."], options(cwd));
    expect([...result.sources.keys()].sort()).toEqual(["deploy.sh", "ssl.c"]);
    for (const file of ["deploy.sh", "ssl.c"] as const) {
      const findings = result.findings.filter((f) => f.file === file);
      expect(result.sources.get(file)).toEqual(excerptOf(FILES[file], findings, ALL_SOURCE));
    }
    expect(result.sources.get("ssl.c")?.lines.get(4)).toBe("\t\tgoto fail;");
  });

  it("NO_SOURCE: no excerpts, the same findings", async () => {
    const cwd = writeTree(path.join(tmp(), "none"), FILES);
    const kept = await lintPaths(["."], options(cwd));
    const dropped = await lintPaths(["."], options(cwd, { source: NO_SOURCE }));
    expect(dropped.result.sources.size).toBe(0);
    expect(dropped.result.findings).toEqual(kept.result.findings);
    expect(dropped.result.findings.map((f) => f.file).sort()).toEqual(["deploy.sh", "ssl.c"]);
  });

  it("--cache hits: the same excerpts as a lint, or none for NO_SOURCE", async () => {
    const cwd = writeTree(path.join(tmp(), "cached"), FILES);
    const cache = { version: "1.0.0" };
    const first = await lintPaths(["."], options(cwd, { cache }));
    const none = await lintPaths(["."], options(cwd, { cache, source: NO_SOURCE }));
    expect(none.cached).toBe(Object.keys(FILES).length);
    expect(none.result.sources.size).toBe(0);
    expect(none.result.findings.map((f) => f.file).sort()).toEqual(["deploy.sh", "ssl.c"]);
    const text = await lintPaths(["."], options(cwd, { cache, source: sourceNeeds("text") }));
    expect(text.cached).toBe(Object.keys(FILES).length);
    expect(text.result.sources.get("deploy.sh")?.lines).toEqual(first.result.sources.get("deploy.sh")?.lines);
    expect(text.result.sources.get("deploy.sh")?.hashes.size).toBe(0);
  });

  it.skipIf(!existsSync(BIN))("the bin with -j 2: code frames and SARIF fingerprints from the workers, as at -j 1", () => {
    const files: Record<string, string> = { ...FILES };
    for (let i = 0; i < 70; i++) files[`a/s${i}.sh`] = `#!/bin/sh\nset -e\ndocker run --rm "busybox:1.${i}" echo ${i}\n`;
    const cwd = writeTree(path.join(tmp(), "pool"), files);
    const run = (jobs: string, ...args: string[]) => spawnSync(process.execPath, [BIN, "-j", jobs, ...args, "."], { cwd, encoding: "utf8" });
    const json = run("2", "-f", "json");
    expect(json.status, json.stderr).toBe(1);
    expect((JSON.parse(json.stdout) as { file: string }[]).map((f) => f.file).sort()).toEqual(["deploy.sh", "ssl.c"]);
    const text = run("2", "-f", "text", "--no-color");
    expect(text.stdout).toContain("docker run myorg/tool:1.0 migrate");
    expect(text.stdout).toContain("goto fail;");
    expect(text.stdout).toBe(run("1", "-f", "text", "--no-color").stdout);
    interface Sarif {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints?: { primaryLocationLineHash: string } }[] }[];
    }
    const prints = (out: string) =>
      (JSON.parse(out) as Sarif).runs[0]?.results.map((r) => [r.locations[0]?.physicalLocation.artifactLocation.uri, r.partialFingerprints?.primaryLocationLineHash]);
    const two = prints(run("2", "-f", "sarif").stdout);
    expect(two).toEqual(prints(run("1", "-f", "sarif").stdout));
    expect(two).toContainEqual(["ssl.c", hashLines(GOTO_FAIL)[3]]);
  });
});
