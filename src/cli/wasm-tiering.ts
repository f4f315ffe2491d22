/**
 * Which WebAssembly V8 may optimise in a run. V8 compiles web-tree-sitter's runtime (its parse
 * loop, shared by every grammar) and each grammar with its baseline compiler (Liftoff), then, if
 * allowed, again with the optimising one (TurboFan) for hot functions, on background threads
 * that the process also waits for before it exits. A small run is over before optimised code
 * pays back its compilation: measured here on a one-file run, `--liftoff-only` saves ~0.3 s of
 * CPU. The grammars' lexers are the expensive part: optimising the bash grammar costs ~1.2 s of
 * CPU (on the 380 system shell scripts, a run took 1.6 s with it and 0.35 s without), the C and
 * C++ lexers 250–330 ms each, the runtime's functions ~0.3 s together. So, in a CLI run (the
 * language server, long-lived, lets V8 optimise everything):
 *
 * - runs of fewer than 64 files optimise nothing (start-up is what counts);
 * - a run found to parse at least 1 MB of C/C++ per thread optimises the runtime and the C and
 *   C++ grammars: the bytes parsed decide, not the bytes on disk (most headers never reach the
 *   parser), so until the choice is made the run lints the C/C++ files its rules' pre-filters
 *   rule out and holds those that need a parse, until it has found that much or looked at them
 *   all (src/engine/run.ts);
 * - the bash grammar is never optimised.
 *
 * Figures behind each line: docs/performance.md. The bundled `deploylint` bin sets
 * `--liftoff-only` before anything else (scripts/bundle.ts: its V8 code cache is only accepted
 * under the flags it was made with); a run that optimises compiles each module under its own
 * flags (src/languages/wasm-compile.ts).
 */
import v8 from "node:v8";
import { PARALLEL_THRESHOLD, type RunCounts, type RunSize } from "../engine/run.js";
import { BASELINE_ONLY, TIER_UP, type WasmPlan } from "../languages/wasm-compile.js";

/** Files below which a run compiles WebAssembly with the baseline compiler only. */
export const BASELINE_ONLY_BELOW = PARALLEL_THRESHOLD;

/**
 * Bytes of C/C++ parsed per linting thread from which optimised code pays for its compilation.
 * Measured at `-j 1` (interleaved rounds, median) on the synthetic 1x tree's `.c` files, where
 * the layout pre-filter lets about a quarter through to the parser: 0.34 MB parsed ran 0.56 s
 * unoptimised against 0.65 s optimised, 0.78 MB 0.92 s either way, 0.94 MB 1.31 against 1.13 s,
 * 1.24 MB 1.44 against 1.24 s (and the whole 1x tree, its shell included, 2.91 against 2.49 s).
 * At `-j 2` the same 1.24 MB (0.62 MB a thread) ran 1.19 s unoptimised against 1.27 s.
 */
export const TIER_UP_PARSED_BYTES_PER_THREAD = 1_000_000;

/**
 * Threads counted in what a run must be found to parse. Measured on 2 cores only; counting more
 * would make a pool on a many-core machine hold more C/C++ text, and for longer (until
 * discovery ends, often), for a threshold nobody measured.
 */
const MAX_THREADS_COUNTED = 2;

/** How many bytes of C/C++ the run must be found to parse for anything to be optimised (0: nothing will be). */
export function parsedBytesWanted(run: RunCounts): number {
  if (run.files < BASELINE_ONLY_BELOW || run.cFiles === 0) return 0;
  return TIER_UP_PARSED_BYTES_PER_THREAD * Math.min(MAX_THREADS_COUNTED, Math.max(1, run.threads));
}

/** What a run of this size lets V8 optimise; nothing (undefined): every module baseline-only, as the bin's flags say. */
export function wasmPlan(run: RunSize): WasmPlan | undefined {
  const wanted = parsedBytesWanted(run);
  return wanted > 0 && run.cParsedBytes >= wanted ? { runtime: true, grammars: ["c", "cpp"] } : undefined;
}

/** What `lintPaths` takes: how much it needs measured, and the choice. */
export const wasmTiering = { parsedBytesWanted, choose: wasmPlan };

/** The baseline compiler only, for every module compiled without a plan (the bin's flags). */
export function baselineOnly(): void {
  v8.setFlagsFromString(BASELINE_ONLY);
}

/** For a long-lived process (the language server): parse speed matters more than start-up. */
export function allowWasmTierUp(): void {
  v8.setFlagsFromString(TIER_UP);
}
