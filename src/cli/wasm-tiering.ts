/**
 * V8 compiles each tree-sitter grammar (0.6 MB of WebAssembly for C, 1.4 MB for bash) twice by
 * default: at once with the baseline compiler (Liftoff), then again with the optimising one
 * (TurboFan) for hot functions, on background threads that the process also waits for. A small
 * run is over before the optimised code pays back its compilation: measured here on a one-file
 * run, `--liftoff-only` saves ~0.3 s of CPU, while on 10 MB of headers it costs ~15% more.
 * So the CLI lets V8 tier up only when there is enough to parse. The flag must be set before
 * the first grammar is compiled, which happens at the first lint, after discovery.
 */
import v8 from "node:v8";
import { PARALLEL_THRESHOLD } from "../engine/run.js";

/** Files below which a run compiles WebAssembly with the baseline compiler only. */
export const BASELINE_ONLY_BELOW = PARALLEL_THRESHOLD;

export function chooseWasmTiering(files: number): void {
  if (files < BASELINE_ONLY_BELOW) v8.setFlagsFromString("--liftoff-only");
}
