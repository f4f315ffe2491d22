/**
 * V8 compiles each tree-sitter grammar (0.6 MB of WebAssembly for C, 1.4 MB for bash) with its
 * baseline compiler (Liftoff), then again with the optimising one (TurboFan) for hot functions, on
 * background threads that the process also waits for before it exits. A small run is over before
 * the optimised code pays back its compilation: measured here on a one-file run, `--liftoff-only`
 * saves ~0.3 s of CPU, while on 10 MB of headers it costs ~15% more. The bash grammar is the
 * extreme case: optimising its 1.4 MB costs ~1.2 s of CPU that a run then waits for, and on the
 * 380 system shell scripts (1.3 MB; the command-name pre-filter leaves two to parse) a run took
 * 1.6 s with tier-up and 0.35 s without; a mixed 5 MB deployment tree (a quarter of its files C)
 * was no faster with it either. So the CLI lets V8 tier up only for a run that is mostly C/C++
 * and has enough of it to parse: the run reads its C/C++ files ahead and asks their rules'
 * pre-filters until it has found enough bytes to parse, or run out of files.
 *
 * The bundled `deploylint` bin sets `--liftoff-only` before anything else (scripts/bundle.ts: its
 * V8 code cache is only accepted under the flags it was made with); the functions here confirm or
 * lift it once the size of the run is known, before the first grammar is compiled. V8 reads the
 * flags when it compiles a module (a module compiled under `--liftoff-only` never tiers up, even
 * after the flags change), and the flags are the process's, so worker threads that compile their
 * grammars after the lift tier up.
 */
import v8 from "node:v8";
import { PARALLEL_THRESHOLD, type RunCounts, type RunSize } from "../engine/run.js";

/** Files below which a run compiles WebAssembly with the baseline compiler only. */
export const BASELINE_ONLY_BELOW = PARALLEL_THRESHOLD;

/**
 * Bytes of C/C++ parsed per linting thread from which the optimised code pays for its
 * compilation (~1.1 s of CPU for the C and C++ grammars and web-tree-sitter's parse loop). The
 * bytes parsed decide, not the bytes on disk: 4.4 MB of ordinary `.c` files (all parsed) ran
 * faster optimised at `-j 1` and `-j 2`, 3 MB of system C (0.8 MB parsed) faster unoptimised at
 * both, 10 MB (1.9 MB parsed) faster optimised at `-j 1` only (docs/performance.md).
 */
export const TIER_UP_PARSED_BYTES_PER_THREAD = 1_500_000;

/**
 * A small run compiles each module whole with the baseline compiler, on background threads, as
 * soon as it is loaded (a grammar the run prefetched is then ready when the first file is);
 * V8's default compiles each function when first called, on the thread that calls it.
 */
export const BASELINE_ONLY = "--liftoff-only --no-wasm-lazy-compilation";

/** `--liftoff-only` turns off both kinds of tier-up; lifting it must turn them back on. */
const TIER_UP = "--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering --wasm-lazy-compilation";

/** Whether the counts leave optimised WebAssembly worth considering: enough files, mostly C/C++. */
function mostlyC(run: RunCounts): boolean {
  return run.files >= BASELINE_ONLY_BELOW && run.cFiles * 2 >= run.files;
}

/** How many bytes of C/C++ the run must be found to parse for the choice to be tier-up (0: the counts decide alone). */
export function parsedBytesWanted(run: RunCounts): number {
  return mostlyC(run) ? TIER_UP_PARSED_BYTES_PER_THREAD * Math.max(1, run.threads) : 0;
}

/** Whether a run of this size is worth optimised WebAssembly. */
export function tierUpPays(run: RunSize): boolean {
  return mostlyC(run) && run.cParsedBytes >= parsedBytesWanted(run);
}

/** For a run, here or in worker threads, once its size is known (see `RunOptions.tiering`). */
export function chooseWasmTiering(run: RunSize): void {
  v8.setFlagsFromString(tierUpPays(run) ? TIER_UP : BASELINE_ONLY);
}

/** What `lintPaths` takes: the choice, and how much it needs measured. */
export const wasmTiering = { parsedBytesWanted, choose: chooseWasmTiering };

/** For a long-lived process (the language server): parse speed matters more than start-up. */
export function allowWasmTierUp(): void {
  v8.setFlagsFromString(TIER_UP);
}
