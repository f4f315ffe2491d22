/**
 * Which runs let V8 optimise the grammars' WebAssembly (src/cli/wasm-tiering.ts): only runs with
 * enough files, mostly C/C++, found to parse enough C/C++ per thread; and how a run measures that
 * (src/engine/run.ts). The timings behind the choice are in docs/performance.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BASELINE_ONLY_BELOW, parsedBytesWanted, TIER_UP_PARSED_BYTES_PER_THREAD, tierUpPays } from "../src/cli/wasm-tiering.js";
import { lintPaths, type RunCounts, type RunSize } from "../src/engine/run.js";

const ENOUGH = TIER_UP_PARSED_BYTES_PER_THREAD;

describe("tierUpPays", () => {
  it.each([
    [{ files: 1, cFiles: 1, threads: 1, cParsedBytes: ENOUGH }, false],
    [{ files: BASELINE_ONLY_BELOW - 1, cFiles: BASELINE_ONLY_BELOW - 1, threads: 1, cParsedBytes: ENOUGH }, false],
    [{ files: BASELINE_ONLY_BELOW, cFiles: BASELINE_ONLY_BELOW, threads: 1, cParsedBytes: ENOUGH }, true],
    [{ files: BASELINE_ONLY_BELOW, cFiles: BASELINE_ONLY_BELOW, threads: 1, cParsedBytes: ENOUGH - 1 }, false],
    // The bench's system C: 3 MB, 0.8 MB parsed (baseline wins at -j 1 and -j 2); 10 MB, 1.9 MB
    // parsed (optimised wins at -j 1 only); the synthetic tree's 298 .c files, 4.4 MB, all parsed.
    [{ files: 243, cFiles: 243, threads: 1, cParsedBytes: 800_000 }, false],
    [{ files: 243, cFiles: 243, threads: 2, cParsedBytes: 800_000 }, false],
    [{ files: 787, cFiles: 787, threads: 1, cParsedBytes: 1_910_000 }, true],
    [{ files: 787, cFiles: 787, threads: 2, cParsedBytes: 1_910_000 }, false],
    [{ files: 298, cFiles: 298, threads: 2, cParsedBytes: 4_350_000 }, true],
    [{ files: 200, cFiles: 100, threads: 1, cParsedBytes: ENOUGH }, true],
    [{ files: 200, cFiles: 99, threads: 1, cParsedBytes: ENOUGH * 10 }, false],
    // The system shell scripts; a synthetic deployment tree (a quarter C).
    [{ files: 380, cFiles: 0, threads: 1, cParsedBytes: 0 }, false],
    [{ files: 1302, cFiles: 330, threads: 1, cParsedBytes: 4_350_000 }, false],
  ])("%j → %s", (run, expected) => {
    expect(tierUpPays(run)).toBe(expected);
  });

  it("asks for parsed bytes only when the counts leave the choice open", () => {
    expect(parsedBytesWanted({ files: 10, cFiles: 10, threads: 1 })).toBe(0);
    expect(parsedBytesWanted({ files: 1302, cFiles: 330, threads: 2 })).toBe(0);
    expect(parsedBytesWanted({ files: 243, cFiles: 243, threads: 1 })).toBe(ENOUGH);
    expect(parsedBytesWanted({ files: 243, cFiles: 243, threads: 2 })).toBe(2 * ENOUGH);
  });
});

describe("a run measures the C/C++ it will parse, as far as the choice needs", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** `parsed` files with an unbraced guard (the rule parses them) and `braced` ones it rules out, each `bytes` long or so. */
  function tree(parsed: number, braced: number): { dir: string; parsedBytes: number } {
    const dir = mkdtempSync(path.join(os.tmpdir(), "deploylint-tiering-"));
    dirs.push(dir);
    const body = (guard: string) => `int f(int x) {\n${"    int a = x;\n".repeat(20)}${guard}\n    return x;\n}\n`;
    const unbraced = body("    if (x)\n        x++;");
    let parsedBytes = 0;
    for (let i = 0; i < parsed; i++) {
      writeFileSync(path.join(dir, `p${i}.c`), unbraced);
      parsedBytes += unbraced.length;
    }
    for (let i = 0; i < braced; i++) writeFileSync(path.join(dir, `b${i}.c`), body("    if (x) {\n        x++;\n    }"));
    return { dir, parsedBytes };
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
        choose: (size) => chosen.push(size),
      },
    });
    return { asked, chosen, findings: out.result.findings.length };
  }

  it("counts the bytes of the files the pre-filters let through, all of them when the choice needs it", async () => {
    const { dir, parsedBytes } = tree(20, 60);
    const r = await run(dir, () => Number.MAX_SAFE_INTEGER);
    expect(r.asked).toEqual([{ files: 80, cFiles: 80, threads: 1 }]);
    expect(r.chosen).toEqual([{ files: 80, cFiles: 80, threads: 1, cParsedBytes: parsedBytes }]);
    expect(r.findings).toBe(0);
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
