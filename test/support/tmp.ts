/** Temporary trees for tests that lint real files. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * A temporary directory made before the tests of the enclosing file (or `describe`) and removed
 * after them; call it at collection time and read the path with the returned function. The path
 * is the real one (macOS reaches the temp directory through a symlink, /var → /private/var).
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error("useTempDir: the directory exists only while the tests run");
    return dir;
  };
}

/** Writes `files` (relative path → content) under `base`, making the folders; returns `base`. */
export function writeTree(base: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(base, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(base, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return base;
}

/** `writeTree` into a folder that holds `.git`, so that no config above it can leak in. */
export function writeRepo(base: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(path.join(base, ".git"), { recursive: true });
  return writeTree(base, files);
}
