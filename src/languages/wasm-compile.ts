/**
 * How V8 compiles the WebAssembly of web-tree-sitter (its runtime, `web-tree-sitter.wasm`, which
 * holds the parse loop every grammar shares) and of each grammar. V8 reads its flags when it
 * compiles a module, and a module compiled under `--liftoff-only` is never optimised, whatever
 * the flags later say; the flags are the process's, shared by every thread. So a module meant to
 * be optimised, or not, is compiled synchronously right after its flags are set (see
 * src/cli/wasm-tiering.ts for which modules a run optimises, and why).
 */
import v8 from "node:v8";
import type { GrammarId } from "./treesitter.js";

/**
 * The baseline compiler only, compiling each module whole in the background as soon as it is
 * loaded (a grammar a small run prefetched is then ready when the first file is); V8's default
 * compiles each function when first called, on the thread that calls it.
 */
export const BASELINE_ONLY = "--liftoff-only --no-wasm-lazy-compilation";

/** The baseline compiler first, then the optimising one for hot functions (`--liftoff-only` turns off both kinds of tier-up; lifting it turns them back on). */
export const TIER_UP = "--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering --wasm-lazy-compilation";

/** Which of the modules a thread compiles V8 may optimise: web-tree-sitter's runtime, and which grammars. */
export interface WasmPlan {
  runtime: boolean;
  grammars: readonly GrammarId[];
}

/** The parts of the global `WebAssembly` used here (TypeScript's ES libraries do not describe it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WebAssembly.Module;
  compile: (bytes: Uint8Array) => Promise<WebAssembly.Module>;
  Instance: new (module: WebAssembly.Module, imports: object) => object;
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** An instance of a compiled module, for web-tree-sitter's `instantiateWasm` hook. */
export function instantiate(module: WebAssembly.Module, imports: object): object {
  return new wasm.Instance(module, imports);
}

/** `bytes` compiled on V8's background threads, under the process's flags (the bin's: baseline only). */
export function compileInBackground(bytes: Uint8Array): Promise<WebAssembly.Module> {
  return wasm.compile(bytes);
}

/**
 * `bytes` compiled, optimised later by V8 if `optimise`; the flags are left baseline-only, as the
 * bin sets them. The risk, stated plainly: V8's flags are the process's, and Node warns that
 * changing them after start-up may behave unpredictably. Only the two WebAssembly tiering flags
 * change here, but worker threads do compile concurrently: another thread's compile can slip
 * between a set and its compile, and then compiles under the other's flags. That changes how
 * fast a module runs, never what it computes (baseline and optimised code run the same
 * WebAssembly); the tests check which modules V8 optimised in one- and two-thread runs.
 */
export function compileUnder(optimise: boolean, bytes: Uint8Array): WebAssembly.Module {
  if (!optimise) {
    v8.setFlagsFromString(BASELINE_ONLY);
    return new wasm.Module(bytes);
  }
  v8.setFlagsFromString(TIER_UP);
  try {
    return new wasm.Module(bytes);
  } finally {
    v8.setFlagsFromString(BASELINE_ONLY);
  }
}
