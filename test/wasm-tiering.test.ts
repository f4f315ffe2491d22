/**
 * Which WebAssembly a run lets V8 optimise (src/cli/wasm-tiering.ts): web-tree-sitter's runtime
 * and the C/C++ grammars, in runs of enough files found to parse enough C/C++ per thread; never
 * the bash grammar. How a run measures that (src/engine/run.ts), and what a plan does to the
 * modules it compiles (src/languages/wasm-compile.ts). The timings behind the choice are in
 * docs/performance.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BASELINE_ONLY_BELOW, parsedBytesWanted, TIER_UP_PARSED_BYTES_PER_THREAD, wasmPlan } from "../src/cli/wasm-tiering.js";
import { lintPaths, type RunCounts, type RunSize } from "../src/engine/run.js";
import { useTempDir, writeTree } from "./support/tmp.js";

const ENOUGH = TIER_UP_PARSED_BYTES_PER_THREAD;
const base = useTempDir("deploylint-tiering-");
let trees = 0;

/** A fresh folder under this file's temporary directory, holding `files`. */
function freshTree(files: Record<string, string>): string {
  return writeTree(path.join(base(), `t${trees++}`), files);
}
const BIN = path.join(import.meta.dirname, "..", "dist/bundle/deploylint.js");

describe("wasmPlan", () => {
  const all = { runtime: true, grammars: ["c", "cpp"] };
  const none = undefined;
  it.each([
    [{ files: 1, cFiles: 1, threads: 1, cParsedBytes: ENOUGH }, none],
    [{ files: BASELINE_ONLY_BELOW - 1, cFiles: BASELINE_ONLY_BELOW - 1, threads: 1, cParsedBytes: ENOUGH }, none],
    [{ files: BASELINE_ONLY_BELOW, cFiles: BASELINE_ONLY_BELOW, threads: 1, cParsedBytes: ENOUGH }, all],
    [{ files: BASELINE_ONLY_BELOW, cFiles: BASELINE_ONLY_BELOW, threads: 1, cParsedBytes: ENOUGH - 1 }, none],
    // The bench's system C: 3 MB, 0.8 MB parsed (baseline wins at -j 1 and -j 2); 10 MB, 1.9 MB
    // parsed (optimised wins at -j 1 only); the synthetic tree's 298 .c files, 4.4 MB, all parsed.
    [{ files: 243, cFiles: 243, threads: 1, cParsedBytes: 800_000 }, none],
    [{ files: 243, cFiles: 243, threads: 2, cParsedBytes: 800_000 }, none],
    [{ files: 787, cFiles: 787, threads: 1, cParsedBytes: 1_910_000 }, all],
    [{ files: 787, cFiles: 787, threads: 2, cParsedBytes: 1_910_000 }, none],
    [{ files: 298, cFiles: 298, threads: 2, cParsedBytes: 4_350_000 }, all],
    // A deployment tree with a quarter of its files C: the bash grammar is never optimised.
    [{ files: 1302, cFiles: 330, threads: 2, cParsedBytes: 4_350_000 }, all],
    [{ files: 380, cFiles: 0, threads: 1, cParsedBytes: 0 }, none],
  ])("%j → %j", (run, expected) => {
    expect(wasmPlan(run)).toEqual(expected);
  });

  it("asks for parsed bytes only when some C/C++ could be worth it", () => {
    expect(parsedBytesWanted({ files: 10, cFiles: 10, threads: 1 })).toBe(0);
    expect(parsedBytesWanted({ files: 380, cFiles: 0, threads: 2 })).toBe(0);
    expect(parsedBytesWanted({ files: 1302, cFiles: 330, threads: 2 })).toBe(2 * ENOUGH);
    expect(parsedBytesWanted({ files: 243, cFiles: 243, threads: 1 })).toBe(ENOUGH);
  });
});

describe("a run measures the C/C++ it will parse, as far as the choice needs", () => {
  /**
   * `parsed` files with a guard whose layout misleads (the rule parses them, and reports once in
   * each) and `braced` ones it rules out.
   */
  function tree(parsed: number, braced: number): { dir: string; parsedBytes: number } {
    const body = (guard: string) => `int f(int x) {\n${"    int a = x;\n".repeat(20)}${guard}\n    return x;\n}\n`;
    const unbraced = body("    if (x)\n        x++;\n        x--;");
    const files: Record<string, string> = {};
    for (let i = 0; i < parsed; i++) files[`p${i}.c`] = unbraced;
    for (let i = 0; i < braced; i++) files[`b${i}.c`] = body("    if (x) {\n        x++;\n    }");
    return { dir: freshTree(files), parsedBytes: parsed * unbraced.length };
  }

  async function run(dir: string, wanted: (counts: RunCounts) => number): Promise<{ asked: RunCounts[]; chosen: RunSize[]; findings: number }> {
    const asked: RunCounts[] = [];
    const chosen: RunSize[] = [];
    const out = await lintPaths([dir], {
      cwd: dir,
      root: dir,
      selection: {},
      maxBytes: 1 << 20,
      jobs: 1,
      tiering: {
        parsedBytesWanted: (counts) => {
          asked.push(counts);
          return wanted(counts);
        },
        choose: (size) => {
          chosen.push(size);
          return undefined;
        },
      },
    });
    return { asked, chosen, findings: out.result.findings.length };
  }

  it("counts the bytes of the files the pre-filters let through, all of them when the choice needs it", async () => {
    const { dir, parsedBytes } = tree(20, 60);
    const r = await run(dir, () => Number.MAX_SAFE_INTEGER);
    expect(r.asked).toEqual([{ files: 80, cFiles: 80, threads: 1 }]);
    expect(r.chosen).toEqual([{ files: 80, cFiles: 80, threads: 1, cParsedBytes: parsedBytes }]);
    expect(r.findings).toBe(20);
  });

  it("stops reading ahead once it has found what was asked for", async () => {
    const { dir, parsedBytes } = tree(20, 60);
    const r = await run(dir, () => 3 * (parsedBytes / 20));
    expect(r.chosen).toHaveLength(1);
    expect(r.chosen[0]?.cParsedBytes).toBe(3 * (parsedBytes / 20));
  });

  it("reads nothing ahead when the counts settle it", async () => {
    const { dir } = tree(5, 5);
    const r = await run(dir, () => 0);
    expect(r.chosen).toEqual([{ files: 10, cFiles: 10, threads: 1, cParsedBytes: 0 }]);
  });
});

describe("what the built bin lets V8 optimise", () => {
  /**
   * `sh` scripts of ~8 KB full of `docker run` in `a/`, then `c` C files of ~24 KB with unbraced
   * guards in `b/`, the first of each misleading, so that the file is parsed (all of both parsed;
   * a walk meets the scripts first). Returns the C bytes.
   */
  function tree(c: number, sh: number): { dir: string; cBytes: number } {
    const fn = (i: number) => `int f${i}(int x) {\n    if (x > ${i})\n        x -= ${i};\n    for (int k = 0; k < x; k++)\n        x ^= k;\n    return x;\n}\n`;
    const misleading = "int g(int x) {\n    if (x)\n        x++;\n        x--;\n    return x;\n}\n";
    const cText = misleading + Array.from({ length: 240 }, (_, i) => fn(i)).join("");
    const shText = `#!/bin/sh\nset -e\n${Array.from({ length: 120 }, (_, i) => `docker run --rm -e N=${i} "busybox:1.${i}" sh -c 'echo ${i}'\n`).join("")}`;
    const files: Record<string, string> = {};
    for (let i = 0; i < sh; i++) files[`a/s${i}.sh`] = shText;
    for (let i = 0; i < c; i++) files[`b/f${i}.c`] = cText;
    return { dir: freshTree(files), cBytes: c * cText.length };
  }

  /** From `--trace-wasm-compilation-times`: how many functions V8 compiled at all, and the modules (by address) it optimised any function of. */
  function compiled(dir: string, jobs: number): { functions: number; optimised: Set<string> } {
    const report = path.join(dir, "report.json");
    const args = ["--trace-wasm-compilation-times", BIN, "-j", String(jobs), "-f", "json", "-o", report, "."];
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8" });
    // 1 with C: the findings of its misleading guards.
    expect([0, 1], r.stderr).toContain(r.status);
    const optimised = new Set<string>();
    // "Compiled function 0x…#12 using TurboFan, took 3 ms …"
    for (const m of r.stdout.matchAll(/Compiled function (0x[0-9a-f]+)#\d+ using TurboFan/g)) optimised.add(m[1] as string);
    return { functions: r.stdout.match(/Compiled function /g)?.length ?? 0, optimised };
  }

  it.skipIf(!existsSync(BIN))("a run parsing enough C (TIER_UP_PARSED_BYTES_PER_THREAD): web-tree-sitter's runtime and the C grammar; as many with heavy shell beside, so never the bash grammar", () => {
    const cOnly = tree(70, 0);
    expect(cOnly.cBytes).toBeGreaterThan(ENOUGH);
    const alone = compiled(cOnly.dir, 1).optimised;
    expect(alone.size).toBe(2);
    expect(compiled(tree(70, 70).dir, 1).optimised.size).toBe(alone.size);
  });

  it.skipIf(!existsSync(BIN))("the same shell without the C: nothing optimised (though all of it compiled)", () => {
    const r = compiled(tree(0, 70).dir, 1);
    expect(r.functions).toBeGreaterThan(0);
    expect(r.optimised.size).toBe(0);
  });

  it.skipIf(!existsSync(BIN))("-j 2: the workers follow the plan, chosen when the C comes after 64 other files", () => {
    const t = tree(140, 70);
    expect(t.cBytes).toBeGreaterThan(2 * ENOUGH);
    expect(compiled(t.dir, 2).optimised.size).toBeGreaterThan(0);
  });
});
