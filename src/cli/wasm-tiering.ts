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
 * and has enough of it to parse.
 *
 * The bundled `deploylint` bin sets `--liftoff-only` before anything else (scripts/bundle.ts: its
 * V8 code cache is only accepted under the flags it was made with); the functions here confirm or
 * lift it once the size of the run is known, before the first grammar is compiled. V8 reads the
 * flags when it compiles a module, so worker threads started after the lift tier up.
 */
import v8 from "node:v8";
import { PARALLEL_THRESHOLD } from "../engine/run.js";

/** Files below which a run compiles WebAssembly with the baseline compiler only. */
export const BASELINE_ONLY_BELOW = PARALLEL_THRESHOLD;

/**
 * A small run compiles each module whole with the baseline compiler, on background threads, as
 * soon as it is loaded (a grammar the run prefetched is then ready when the first file is);
 * V8's default compiles each function when first called, on the thread that calls it.
 */
export const BASELINE_ONLY = "--liftoff-only --no-wasm-lazy-compilation";

/** `--liftoff-only` turns off both kinds of tier-up; lifting it must turn them back on. */
const TIER_UP = "--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering --wasm-lazy-compilation";

/** Whether a run of `files` files, `cFiles` of them C/C++, is worth optimised WebAssembly. */
export function tierUpPays(run: { files: number; cFiles: number }): boolean {
  return run.files >= BASELINE_ONLY_BELOW && run.cFiles * 2 >= run.files;
}

/** For a run that parses `files` files (`cFiles` of them C/C++), here or in worker threads. */
export function chooseWasmTiering(run: { files: number; cFiles: number }): void {
  v8.setFlagsFromString(tierUpPays(run) ? TIER_UP : BASELINE_ONLY);
}

/** For a long-lived process (the language server): parse speed matters more than start-up. */
export function allowWasmTierUp(): void {
  v8.setFlagsFromString(TIER_UP);
}
