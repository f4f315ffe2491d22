/**
 * How a TreeSitter without a compilation plan (every small run) loads its first grammar:
 * web-tree-sitter's runtime and the grammar compile at once, in the background, rather than the
 * grammar after the runtime (src/languages/treesitter.ts); a failure of either fails the load, and
 * nothing else.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TreeSitter } from "../src/languages/treesitter.js";

/** The global `WebAssembly` (TypeScript's ES libraries declare only its types). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("loading the first grammar", () => {
  // First: once a test has set up the runtime, this process never compiles it again.
  it("fails the load when the runtime does not compile, and leaves no unhandled rejection behind", async () => {
    // Both fail: the grammar's failure, never awaited once the runtime's is seen, must be handled.
    // Replaced by hand: a spy would handle the promises it returns (it records how they settle).
    const real = wasm.compile;
    wasm.compile = () => Promise.reject(new Error("no WebAssembly today"));
    const unhandled: unknown[] = [];
    const record = (e: unknown): void => {
      unhandled.push(e);
    };
    process.on("unhandledRejection", record);
    const ts = new TreeSitter();
    try {
      await expect(ts.grammar("c")).rejects.toThrow("no WebAssembly today");
      // Node reports an unhandled rejection once the microtasks have run: a macrotask later.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      wasm.compile = real;
      process.off("unhandledRejection", record);
      ts.dispose();
    }
  });

  it("asks V8 for the runtime and the grammar before either is compiled", async () => {
    // What happened, in order: each compilation asked for, and each one done.
    const events: string[] = [];
    const real = wasm.compile.bind(wasm);
    const compile = vi.spyOn(wasm, "compile").mockImplementation((bytes: Uint8Array) => {
      const n = events.filter((e) => e.startsWith("ask")).length;
      events.push(`ask ${n}`);
      const compiled = real(bytes);
      void compiled.then(() => events.push(`done ${n}`));
      return compiled;
    });
    const ts = new TreeSitter();
    try {
      const grammar = await ts.grammar("c");
      expect(events.slice(0, 2)).toEqual(["ask 0", "ask 1"]);
      expect(events.sort()).toEqual(["ask 0", "ask 1", "done 0", "done 1"]);
      const tree = ts.parse(grammar, "int main(void) { if (x) goto fail; return 0; }\n");
      try {
        expect(tree.rootNode.type).toBe("translation_unit");
        expect(tree.rootNode.hasError).toBe(false);
      } finally {
        tree.delete();
      }
      // A second grammar compiles alone: the runtime is compiled once.
      compile.mockClear();
      await ts.grammar("bash");
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      ts.dispose();
    }
    // web-tree-sitter keeps one runtime per process: another instance compiles its grammars only.
    compile.mockClear();
    const other = new TreeSitter();
    try {
      await other.grammar("c");
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      other.dispose();
    }
  });
});
