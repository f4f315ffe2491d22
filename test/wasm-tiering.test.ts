/**
 * Which runs let V8 optimise the grammars' WebAssembly (src/cli/wasm-tiering.ts): only runs with
 * enough files that are mostly C/C++. The timings behind the choice are in docs/performance.md.
 */
import { describe, expect, it } from "vitest";
import { BASELINE_ONLY_BELOW, tierUpPays } from "../src/cli/wasm-tiering.js";

describe("tierUpPays", () => {
  it.each([
    [{ files: 1, cFiles: 1 }, false],
    [{ files: BASELINE_ONLY_BELOW - 1, cFiles: BASELINE_ONLY_BELOW - 1 }, false],
    [{ files: BASELINE_ONLY_BELOW, cFiles: BASELINE_ONLY_BELOW }, true],
    [{ files: 243, cFiles: 243 }, true],
    [{ files: 200, cFiles: 100 }, true],
    [{ files: 200, cFiles: 99 }, false],
    // The system shell scripts; a synthetic deployment tree (a quarter C).
    [{ files: 380, cFiles: 0 }, false],
    [{ files: 1302, cFiles: 330 }, false],
  ])("%j → %s", (run, expected) => {
    expect(tierUpPays(run)).toBe(expected);
  });
});
