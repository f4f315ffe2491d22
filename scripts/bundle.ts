/**
 * Bundles the compiled CLI, the lint worker and the language server into dist/bundle/ (esbuild),
 * so that starting deploylint loads a handful of files instead of ~100 ES modules: Node 20 spends
 * most of a one-file run's start-up resolving and linking modules one by one. Small pure-JS
 * dependencies (chalk, ignore, picomatch, diff, the LSP libraries) are bundled too; web-tree-sitter
 * stays external (it finds its .wasm beside its own module; grammars are resolved from
 * node_modules at run time). Run by `npm run build` (and so by `prepare`) after `tsc`.
 */
import { build } from "esbuild";
import path from "node:path";
import { repoRoot } from "./gen-index.js";

export const BUNDLE_DIR = "dist/bundle";

async function main(): Promise<void> {
  const root = repoRoot();
  await build({
    absWorkingDir: root,
    entryPoints: {
      deploylint: "dist/src/cli/bin.js",
      "deploylint-lsp": "dist/src/lsp/bin.js",
      // Loaded by src/engine/pool.ts as `./worker.js` beside the code that starts it.
      worker: "dist/src/engine/worker.js",
    },
    outdir: path.join(root, BUNDLE_DIR),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // web-tree-sitter loads its .wasm from beside its own module file: it must stay a package.
    // ajv and yaml are required lazily at run time (src/config): not in the bundle either.
    external: ["web-tree-sitter", "ajv", "yaml"],
    sourcemap: "linked",
    // Chunks beside the entries: pool.ts finds the worker as `./worker.js` next to itself.
    chunkNames: "[name]-[hash]",
    // Bundled CommonJS packages (ignore, picomatch, vscode-languageserver) call `require` for
    // Node's built-ins; an ES module has none, so every output file gets one.
    banner: { js: 'import { createRequire as __deploylintCreateRequire } from "node:module"; const require = __deploylintCreateRequire(import.meta.url);' },
    logLevel: "warning",
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`bundle: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
