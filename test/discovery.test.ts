import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { discover, displayRoot, parseIgnoreFile, rebasePattern, type DiscoverOptions, type DiscoveryEvent } from "../src/engine/discovery.js";

/** A tree: path → file text, `{ link: target }` for a symlink, or `null` for an empty directory. */
type Spec = Record<string, string | { link: string } | null>;

let root: string;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "deploylint-discovery-")));
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

/** An error as Node.js's fs throws it. */
function fsError(code: string, syscall: string, p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${p}'`), { code, syscall, path: p });
}

function build(base: string, spec: Spec): void {
  for (const [rel, content] of Object.entries(spec)) {
    const p = path.join(base, rel);
    if (content === null) {
      fs.mkdirSync(p, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof content === "string") fs.writeFileSync(p, content);
    else fs.symlinkSync(content.link, p);
  }
}

async function collect(paths: string[], options: Partial<DiscoverOptions> = {}): Promise<DiscoveryEvent[]> {
  const events: DiscoveryEvent[] = [];
  for await (const e of discover(paths, { cwd: root, ...options })) events.push(e);
  return events;
}

async function files(paths: string[] = [], options: Partial<DiscoverOptions> = {}): Promise<string[]> {
  return (await collect(paths, options)).flatMap((e) => (e.kind === "file" ? [e.path] : []));
}

function notices(events: DiscoveryEvent[]): { file: string; kind: string; message: string }[] {
  return events.flatMap((e) => (e.kind === "notice" ? [{ file: e.notice.file, kind: e.notice.kind, message: e.notice.message }] : []));
}

describe("language detection", () => {
  it("yields .c, .h, .cpp and .sh files with their language and skips unknown ones", async () => {
    build(root, {
      "a.c": "int x;",
      "a.h": "int x;",
      "b.cpp": "int y;",
      "run.sh": "echo hi",
      "notes.txt": "text",
      "README": "plain text, no shebang",
      "tool": "#!/usr/bin/env python3\nprint(1)\n",
      "empty": "",
    });
    const events = await collect(["."]);
    expect(events).toEqual([
      { kind: "file", path: "a.c", absPath: path.join(root, "a.c"), language: "c", explicit: false },
      { kind: "file", path: "a.h", absPath: path.join(root, "a.h"), language: "c", explicit: false },
      { kind: "file", path: "b.cpp", absPath: path.join(root, "b.cpp"), language: "cpp", explicit: false },
      { kind: "file", path: "run.sh", absPath: path.join(root, "run.sh"), language: "shell", explicit: false },
    ]);
  });

  it("detects extensionless shell scripts by shebang, on line 1 or on line 2 after a comment", async () => {
    build(root, {
      "s1": "#!/bin/sh\necho 1\n",
      "s2": "#!/usr/bin/env bash\necho 2\n",
      "s3": "#!/bin/bash -e\necho 3\n",
      "s4": "# -*- mode: sh -*-\n#!/bin/sh\necho 4\n",
      "s5": "#!/bin/sh\r\necho 5\r\n",
      "p1": "#!/usr/bin/python3\n",
      "p2": "echo no shebang\n",
      "p3": "\n#!/bin/sh\n",
    });
    const events = await collect([]);
    expect(events.map((e) => (e.kind === "file" ? `${e.path}:${e.language}` : e.kind))).toEqual([
      "s1:shell",
      "s2:shell",
      "s3:shell",
      "s4:shell",
      "s5:shell",
    ]);
  });

  it("does not read the head of files that have an extension", async () => {
    build(root, { "script.py": "#!/bin/sh\n", "x.conf.bak": "#!/bin/sh\n" });
    expect(await files()).toEqual([]);
  });
});

describe("walking", () => {
  it("walks depth-first in name order, deterministically", async () => {
    build(root, {
      "z.sh": "",
      "b/y.sh": "",
      "b/a.sh": "",
      "a.sh": "",
      "B.sh": "",
      "b/c/d.sh": "",
      "b-c.sh": "",
      "c/e.c": "",
    });
    const expected = ["B.sh", "a.sh", "b/a.sh", "b/c/d.sh", "b/y.sh", "b-c.sh", "c/e.c", "z.sh"];
    expect(await files(["."])).toEqual(expected);
    expect(await files(["."])).toEqual(expected);
  });

  it("defaults to the working directory", async () => {
    build(root, { "a.sh": "", "sub/b.sh": "" });
    expect(await files([])).toEqual(["a.sh", "sub/b.sh"]);
  });

  it("never enters .git, node_modules, .hg or .svn", async () => {
    build(root, {
      ".git/hooks/pre-commit.sh": "",
      "node_modules/pkg/install.sh": "",
      "sub/node_modules/x.c": "",
      ".hg/x.sh": "",
      ".svn/x.sh": "",
      "src/ok.sh": "",
      ".github/ci.sh": "",
    });
    expect(await files()).toEqual([".github/ci.sh", "src/ok.sh"]);
  });

  it("displays paths relative to cwd, or absolute as given", async () => {
    build(root, { "sub/dir/a.sh": "", "other/b.sh": "" });
    expect(await files(["./sub/"])).toEqual(["sub/dir/a.sh"]);
    expect(await files(["sub/dir/a.sh"])).toEqual(["sub/dir/a.sh"]);
    expect(await files([path.join(root, "sub")])).toEqual([`${root}/sub/dir/a.sh`]);
    expect(await files(["../other"], { cwd: path.join(root, "sub") })).toEqual(["../other/b.sh"]);
    expect(displayRoot("/w", ".")).toBe(".");
    expect(displayRoot("/w", "./a//b/")).toBe("a/b");
    expect(displayRoot("/w", "/abs/dir/")).toBe("/abs/dir");
    expect(displayRoot("/w", "/")).toBe("/");
  });

  it("yields a file reached by several arguments once, under the first", async () => {
    build(root, { "sub/a.sh": "", "b.sh": "" });
    expect(await files(["sub/a.sh", ".", "sub"])).toEqual(["sub/a.sh", "b.sh"]);
  });

  it("reports a nonexistent path as missing and goes on", async () => {
    build(root, { "a.sh": "" });
    const events = await collect(["nope", "a.sh", "a.sh/x"]);
    expect(events).toEqual([
      { kind: "missing", path: "nope", message: "no such file or directory" },
      { kind: "file", path: "a.sh", absPath: path.join(root, "a.sh"), language: "shell", explicit: true },
      { kind: "missing", path: "a.sh/x", message: "no such file or directory" },
    ]);
  });

  it("marks named files explicit and skips named files of unknown language silently", async () => {
    build(root, { "a.sh": "", "notes.md": "# hi", "README": "hello", "deploy": "#!/bin/sh\n" });
    const events = await collect(["notes.md", "README", "a.sh", "deploy"]);
    expect(events).toEqual([
      { kind: "file", path: "a.sh", absPath: path.join(root, "a.sh"), language: "shell", explicit: true },
      { kind: "file", path: "deploy", absPath: path.join(root, "deploy"), language: "shell", explicit: true },
    ]);
  });

  it("skips FIFOs without opening them", async () => {
    build(root, { "ok.sh": "" });
    try {
      execFileSync("mkfifo", [path.join(root, "pipe.sh"), path.join(root, "pipe")]);
    } catch {
      return; // no mkfifo here: nothing to test
    }
    expect(await files()).toEqual(["ok.sh"]);
    const events = await collect(["pipe.sh", "pipe"]);
    expect(notices(events)).toEqual([{ file: "pipe.sh", kind: "skipped", message: "not a regular file; skipped" }]);
  });

  it("reports an unreadable directory and goes on", async () => {
    build(root, { "a.sh": "", "locked/x.sh": "", "z/y.sh": "" });
    const readdir = fs.readdir;
    // Tests run as root, which chmod 000 does not stop: fail the read itself.
    vi.spyOn(fs, "readdir").mockImplementation(((p: fs.PathLike, o: never, done: (e: Error | null, r?: unknown) => void) =>
      String(p).endsWith(`${path.sep}locked`) ? done(fsError("EACCES", "scandir", String(p))) : readdir(p, o, done)) as never);
    const events = await collect([]);
    expect(events.flatMap((e) => (e.kind === "file" ? [e.path] : []))).toEqual(["a.sh", "z/y.sh"]);
    expect(notices(events)).toEqual([{ file: "locked", kind: "unreadable", message: "cannot read directory: permission denied" }]);
  });

  it("can be stopped early", async () => {
    build(root, { "a.sh": "", "b/c.sh": "", "b/d": "#!/bin/sh\n", "e.sh": "" });
    const seen: string[] = [];
    for await (const e of discover([], { cwd: root })) {
      if (e.kind === "file") seen.push(e.path);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(["a.sh", "b/c.sh"]);
  });
});

describe("ignore files", () => {
  it("applies nested .gitignore files relative to their directory, with negations", async () => {
    build(root, {
      ".gitignore": "build/\n*.gen.sh\n# a comment\n\n",
      "top.gen.sh": "",
      "build/b.sh": "",
      "ok.sh": "",
      "a/.gitignore": "!x.gen.sh\n/local.sh\n",
      "a/x.gen.sh": "",
      "a/y.gen.sh": "",
      "a/local.sh": "",
      "a/deep/local.sh": "",
      "a/deep/x.gen.sh": "",
      "c/.gitignore": "!build/\n",
      "c/build/z.sh": "",
      "d/.gitignore": "*\n!*.c\n",
      "d/keep.c": "",
      "d/drop.sh": "",
      "d/e/f.c": "",
    });
    expect(await files()).toEqual(["a/deep/local.sh", "a/deep/x.gen.sh", "a/x.gen.sh", "c/build/z.sh", "d/keep.c", "ok.sh"]);
  });

  it("cannot re-include a file whose directory is excluded", async () => {
    build(root, { ".gitignore": "out/\n!out/keep.sh\n", "out/keep.sh": "", "ok.sh": "" });
    expect(await files()).toEqual(["ok.sh"]);
  });

  it("applies .deploylintignore, which takes precedence over .gitignore", async () => {
    build(root, {
      ".gitignore": "vendor/\n",
      ".deploylintignore": "generated/\n!vendor/\n*.skip.sh\n",
      "generated/g.sh": "",
      "vendor/v.sh": "",
      "sub/a.skip.sh": "",
      "sub/.deploylintignore": "/only-here.sh\n",
      "sub/only-here.sh": "",
      "only-here.sh": "",
    });
    expect(await files()).toEqual(["only-here.sh", "vendor/v.sh"]);
  });

  it("honours custom ignore file names", async () => {
    build(root, { ".gitignore": "a.sh\n", ".myignore": "b.sh\n", "a.sh": "", "b.sh": "" });
    expect(await files([], { ignoreFileNames: [".myignore"] })).toEqual(["a.sh"]);
  });

  it("applies extraIgnores relative to cwd, above the ignore files", async () => {
    build(root, {
      ".gitignore": "kept/\n",
      "sub/gen/x.sh": "",
      "gen/y.sh": "",
      "a.tmp.sh": "",
      "kept/k.sh": "",
      "ok.sh": "",
    });
    expect(await files([], { extraIgnores: ["/gen/", "*.tmp.sh", "!kept/"] })).toEqual(["kept/k.sh", "ok.sh", "sub/gen/x.sh"]);
    // From a subdirectory, anchored config patterns still mean cwd-relative paths.
    expect(await files([], { cwd: path.join(root, "sub"), extraIgnores: ["/gen/"] })).toEqual([]);
  });

  it("applies the .gitignore files of ancestors up to the repository root", async () => {
    build(root, {
      ".gitignore": "*.sh\n", // above the repository: not applied
      "repo/.git/info/exclude": "*.excluded.sh\n",
      "repo/.gitignore": "*.gen.sh\nsub/skip/\n",
      "repo/sub/.gitignore": "/local.sh\n",
      "repo/sub/a.gen.sh": "",
      "repo/sub/skip/s.sh": "",
      "repo/sub/b.excluded.sh": "",
      "repo/sub/local.sh": "",
      "repo/sub/deeper/local.sh": "",
      "repo/sub/ok.sh": "",
    });
    const repo = path.join(root, "repo");
    expect(await files(["sub"], { cwd: repo })).toEqual(["sub/deeper/local.sh", "sub/ok.sh"]);
    expect(await files([], { cwd: path.join(repo, "sub") })).toEqual(["deeper/local.sh", "ok.sh"]);
    expect(await files(["deeper"], { cwd: path.join(repo, "sub") })).toEqual(["deeper/local.sh"]);
    expect(await files(["repo/sub"])).toEqual(["repo/sub/deeper/local.sh", "repo/sub/ok.sh"]);
    expect(await files([], { cwd: repo })).toEqual(["sub/deeper/local.sh", "sub/ok.sh"]);
  });

  it("does not carry a repository's .gitignore rules into a nested repository", async () => {
    build(root, {
      ".git": null,
      ".gitignore": "*.gen.sh\n",
      ".deploylintignore": "*.tmp.sh\n",
      "a.gen.sh": "",
      "inner/.git": null,
      "inner/b.gen.sh": "",
      "inner/c.tmp.sh": "",
    });
    expect(await files()).toEqual(["inner/b.gen.sh"]);
  });

  it("skips an explicitly named ignored file without a notice", async () => {
    build(root, { ".gitignore": "*.gen.sh\nbuild/\n", "x.gen.sh": "", "build/y.sh": "", "ok.sh": "" });
    expect(await collect(["x.gen.sh", "build/y.sh", "ok.sh"])).toEqual([
      { kind: "file", path: "ok.sh", absPath: path.join(root, "ok.sh"), language: "shell", explicit: true },
    ]);
  });

  it("walks an explicitly named ignored directory, with the ignore files inside it", async () => {
    build(root, { ".gitignore": "build/\n", "build/.gitignore": "*.o.sh\n", "build/y.sh": "", "build/z.o.sh": "" });
    expect(await files()).toEqual([]);
    expect(await files(["build"])).toEqual(["build/y.sh"]);
    expect(await files([], { cwd: path.join(root, "build") })).toEqual(["y.sh"]);
  });

  it("rebases gitignore patterns onto the matcher root", () => {
    expect(rebasePattern("*.sh", "")).toBe("*.sh");
    expect(rebasePattern("*.sh", "a/b")).toBe("a/b/**/*.sh");
    expect(rebasePattern("/x.sh", "a")).toBe("a/x.sh");
    expect(rebasePattern("x/y", "a")).toBe("a/x/y");
    expect(rebasePattern("build/", "a")).toBe("a/**/build/");
    expect(rebasePattern("!keep.sh", "a")).toBe("!a/**/keep.sh");
    expect(rebasePattern("\\#literal", "a")).toBe("a/**/#literal");
    expect(rebasePattern("x", "we[ir]d*")).toBe("we\\[ir\\]d\\*/**/x");
    expect(rebasePattern("# comment", "a")).toBeUndefined();
    expect(rebasePattern("   ", "a")).toBeUndefined();
    expect(parseIgnoreFile("\uFEFFa\r\n\r\n# c\r\n!b\n", "d")).toEqual(["d/**/a", "!d/**/b"]);
  });

  it("matches ignore files in directories whose names hold glob characters", async () => {
    build(root, { "we[ir]d/.gitignore": "x.sh\n", "we[ir]d/x.sh": "", "we[ir]d/y.sh": "" });
    expect(await files()).toEqual(["we[ir]d/y.sh"]);
  });
});

describe("symlinks", () => {
  it("terminates on a symlink loop with one notice", async () => {
    build(root, { "a/x.sh": "", "a/loop": { link: ".." }, "a/self": { link: "." }, "spin.sh": { link: "spin.sh" } });
    const events = await collect([]);
    expect(events.filter((e) => e.kind === "file").map((e) => (e.kind === "file" ? e.path : ""))).toEqual(["a/x.sh"]);
    expect(notices(events)).toEqual([
      { file: "a/loop", kind: "skipped", message: "symlink loop; skipped" },
      { file: "a/self", kind: "skipped", message: "symlink loop; skipped" },
      { file: "spin.sh", kind: "skipped", message: "symlink loop; skipped" },
    ]);
  });

  it("terminates on mutually recursive links", async () => {
    build(root, { "p/q": { link: "../r" }, "r/s": { link: "../p" }, "r/t.sh": "" });
    const events = await collect([]);
    expect(events.flatMap((e) => (e.kind === "file" ? [e.path] : []))).toEqual(["r/t.sh"]);
  });

  it("skips links that point outside the scanned tree, with a notice", async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "deploylint-outside-"));
    try {
      build(outside, { "x.sh": "", "d/y.sh": "" });
      build(root, {
        "tree/out.sh": { link: path.join(outside, "x.sh") },
        "tree/outdir": { link: path.join(outside, "d") },
        "tree/up.sh": { link: "../top.sh" },
        "tree/in.sh": "",
        "top.sh": "",
      });
      const events = await collect(["tree"]);
      expect(events.flatMap((e) => (e.kind === "file" ? [e.path] : []))).toEqual(["tree/in.sh"]);
      expect(notices(events)).toEqual([
        { file: "tree/out.sh", kind: "skipped", message: "symlink points outside the scanned tree; skipped" },
        { file: "tree/outdir", kind: "skipped", message: "symlink points outside the scanned tree; skipped" },
        { file: "tree/up.sh", kind: "skipped", message: "symlink points outside the scanned tree; skipped" },
      ]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("visits a symlinked directory inside the root once, under its real path", async () => {
    build(root, {
      "alias": { link: "real" },
      "real/x.sh": "",
      "real/sub/y.c": "",
      "real/sub/up": { link: "../sub" },
      "file-alias.sh": { link: "real/x.sh" },
    });
    const events = await collect([]);
    expect(events.flatMap((e) => (e.kind === "file" ? [e.path] : []))).toEqual(["real/sub/y.c", "real/x.sh"]);
    expect(notices(events)).toEqual([{ file: "real/sub/up", kind: "skipped", message: "symlink loop; skipped" }]);
  });

  it("follows a link to a directory the walk did not reach, and a link to a file under a new name", async () => {
    build(root, {
      ".gitignore": "build/\n",
      "build/out/gen.sh": "",
      "out": { link: "build/out" },
      "run": { link: "scripts/run.real" },
      "scripts/run.real": "#!/bin/sh\n",
    });
    const events = await collect([]);
    expect(events.flatMap((e) => (e.kind === "file" ? [`${e.path}:${e.language}`] : []))).toEqual([
      "out/gen.sh:shell",
      "run:shell",
    ]);
  });

  it("reports a broken symlink whose name deploylint would lint", async () => {
    build(root, { "gone.sh": { link: "nowhere.sh" }, "gone.txt": { link: "nowhere.txt" }, "ok.c": "" });
    const events = await collect([]);
    expect(events.flatMap((e) => (e.kind === "file" ? [e.path] : []))).toEqual(["ok.c"]);
    expect(notices(events)).toEqual([{ file: "gone.sh", kind: "skipped", message: "broken symlink; skipped" }]);
  });

  it("walks a root that is itself a symlink", async () => {
    build(root, { "real/a.sh": "", "link": { link: "real" } });
    expect(await files(["link"])).toEqual(["link/a.sh"]);
  });
});
