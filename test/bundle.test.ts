/**
 * The bundled bin (scripts/bundle.ts): its loader compiles `cli.js` with a V8 code cache written
 * at the end of the build's own run. V8 accepts a cache only under the flags it was made with,
 * so every flag a run sets (src/cli/wasm-tiering.ts, src/cli/heap.ts) must be set by the loader
 * first; a flag set only later makes every run compile `cli.js` from scratch (~40 ms).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const BUNDLE = path.join(import.meta.dirname, "..", "dist/bundle");
const BIN = path.join(BUNDLE, "deploylint.js");
const CLI = path.join(BUNDLE, "cli.js");

describe("the bundled bin", () => {
  it.skipIf(!existsSync(BIN))("V8 accepts its code cache under the flags its loader sets", () => {
    const flags = /setFlagsFromString\(("[^"]*")\)/.exec(readFileSync(BIN, "utf8"))?.[1];
    expect(flags).toBeDefined();
    // What the loader does, with V8's verdict on the cache printed.
    const probe = [
      `require("node:v8").setFlagsFromString(${flags});`,
      `const { readFileSync } = require("node:fs");`,
      `const { wrap } = require("node:module");`,
      `const { Script } = require("node:vm");`,
      `const file = ${JSON.stringify(CLI)};`,
      `const script = new Script(wrap(readFileSync(file, "utf8")), { filename: file, cachedData: readFileSync(file + ".cache") });`,
      `process.stdout.write(String(script.cachedDataRejected));`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("false");
  });
});
