/**
 * `--root` and repository-relative paths in SARIF and GitHub annotations: from a subdirectory,
 * with absolute path arguments, and through a symlinked checkout (symlinks resolved on both sides).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, GOTO_FAIL, type CliRun } from "./support/cli.js";
import type { SarifLog } from "../src/formatters/sarif.js";

const BIN = path.resolve(import.meta.dirname, "../dist/bundle/deploylint.js");

/** The CLI in process; `--stdin` reads the goto-fail file. */
const runCli = (args: string[], cwd: string): Promise<CliRun> => cli(args, { cwd, stdin: GOTO_FAIL });

/** The SARIF run's `%SRCROOT%` and the URI of each result. */
async function sarifUris(args: string[], cwd: string): Promise<{ srcroot: string | undefined; uris: (string | undefined)[] }> {
  const res = await runCli(["-f", "sarif", ...args], cwd);
  const run = (JSON.parse(res.stdout) as SarifLog).runs[0];
  return {
    srcroot: run?.originalUriBaseIds["%SRCROOT%"]?.uri,
    uris: (run?.results ?? []).map((r) => {
      const loc = r.locations[0]?.physicalLocation.artifactLocation;
      return loc?.uriBaseId ? `${loc.uriBaseId}/${loc.uri}` : loc?.uri;
    }),
  };
}

async function githubFiles(args: string[], cwd: string): Promise<string[]> {
  const res = await runCli(["-f", "github", ...args], cwd);
  return [...res.stdout.matchAll(/ file=([^,:]*)/g)].map((m) => m[1] ?? "");
}

let tmp: string;
let real: string;
let link: string;
let srcroot: string;
beforeAll(() => {
  // realpath: the temp directory itself may be reached through a symlink (macOS /var → /private/var).
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), "deploylint-root-")));
  real = path.join(tmp, "checkout");
  link = path.join(tmp, "link-to-checkout");
  mkdirSync(path.join(real, ".git"), { recursive: true });
  mkdirSync(path.join(real, "app/src"), { recursive: true });
  writeFileSync(path.join(real, "app/src/a.c"), GOTO_FAIL);
  symlinkSync(real, link, "dir");
  srcroot = `${pathToFileURL(real).href}/`;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("repository-relative paths", () => {
  it("run from a subdirectory: relative to the repository root, not the working directory", async () => {
    expect(await sarifUris(["src/a.c"], path.join(real, "app"))).toEqual({ srcroot, uris: ["%SRCROOT%/app/src/a.c"] });
    expect(await sarifUris([], path.join(real, "app/src"))).toEqual({ srcroot, uris: ["%SRCROOT%/app/src/a.c"] });
    expect(await githubFiles(["src/a.c"], path.join(real, "app"))).toEqual(["app/src/a.c"]);
  });

  it("absolute path arguments, from inside and from outside the repository", async () => {
    const abs = path.join(real, "app/src/a.c");
    expect(await sarifUris([abs], path.join(real, "app"))).toEqual({ srcroot, uris: ["%SRCROOT%/app/src/a.c"] });
    expect(await githubFiles([abs], path.join(real, "app"))).toEqual(["app/src/a.c"]);
    // From outside the checkout the root is found from the working directory: pass --root.
    expect(await githubFiles(["--root", real, abs], tmp)).toEqual(["app/src/a.c"]);
  });

  it("a symlinked checkout path: working directory, arguments or --root through the link", async () => {
    // The working directory as a shell's $PWD names it, through the link.
    expect(await sarifUris(["src/a.c"], path.join(link, "app"))).toEqual({ srcroot, uris: ["%SRCROOT%/app/src/a.c"] });
    // The real working directory, an argument through the link.
    expect(await sarifUris([path.join(link, "app/src/a.c")], path.join(real, "app"))).toEqual({ srcroot, uris: ["%SRCROOT%/app/src/a.c"] });
    expect(await githubFiles([path.join(link, "app/src/a.c")], path.join(real, "app"))).toEqual(["app/src/a.c"]);
    // --root through the link, files through the real path (and the other way round).
    expect(await githubFiles(["--root", link, path.join(real, "app/src/a.c")], tmp)).toEqual(["app/src/a.c"]);
    expect(await githubFiles(["--root", real, path.join(link, "app/src/a.c")], tmp)).toEqual(["app/src/a.c"]);
  });

  it("--root DIR makes paths relative to DIR; a file outside it keeps an absolute path", async () => {
    expect(await sarifUris(["--root", "app", "app/src/a.c"], real)).toEqual({
      srcroot: `${pathToFileURL(path.join(real, "app")).href}/`,
      uris: ["%SRCROOT%/src/a.c"],
    });
    expect(await githubFiles(["--root", "app/src", "app/src/a.c"], real)).toEqual(["a.c"]);
    const outside = await sarifUris(["--root", path.join(real, "app/src/nested"), "app/src/a.c"], real);
    expect(outside.uris).toEqual([pathToFileURL(path.join(real, "app/src/a.c")).href]);
  });

  it("--stdin with a file name that does not exist yet, through the link", async () => {
    const res = await runCli(["-f", "github", "--stdin", "--stdin-filename", "app/new/b.c"], link);
    expect([...res.stdout.matchAll(/ file=([^,:]*)/g)].map((m) => m[1])).toEqual(["app/new/b.c"]);
  });

  it("the built bin, started in the symlinked checkout", () => {
    const res = spawnSync(process.execPath, [BIN, "-f", "github", "src/a.c"], {
      cwd: path.join(link, "app"),
      env: { ...process.env, PWD: path.join(link, "app"), GITHUB_ACTIONS: undefined },
      encoding: "utf8",
    });
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatch(/^::(error|warning) file=app\/src\/a\.c,line=4,/);
  });
});
