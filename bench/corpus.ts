/**
 * Building or locating the bench corpora: the machine's C (headers in /usr/include and the
 * hand-written .c files found on the system), the machine's shell scripts (copied, with a .sh
 * name, into bench/.corpus/shell), the project's fixtures, and the synthetic tree at a scale.
 */
import fs from "node:fs";
import path from "node:path";
import { shuffled, rng } from "./rng.js";
import { project } from "./synth.js";
import { shebangInterpreter } from "../src/engine/detect.js";
import { hasUnbracedGuard } from "../src/languages/c/text.js";
import { mayMislead } from "../src/rules/c/_prefilter.js";

export interface Corpus {
  name: string;
  /** What deploylint is given on its command line: files or directories. */
  args: string[];
  /** The files themselves (absolute), for the anchors and the byte count. */
  files: string[];
  bytes: number;
  note?: string;
}

export interface CorpusContext {
  /** The repository root. */
  root: string;
  /** bench/.corpus: generated and copied corpora (gitignored). */
  corpusDir: string;
  seed: number;
  log: (msg: string) => void;
}

const MAX_FILE_BYTES = 300 * 1024;

// ---------------------------------------------------------------- walking

interface WalkOptions {
  /** Directory names (or absolute paths) not entered. */
  prune: (absPath: string, name: string) => boolean;
  accept: (absPath: string, name: string) => boolean;
}

/** Regular files under `dir` (symlinks are not followed, so nothing is counted twice). */
function walk(dir: string, opts: WalkOptions, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!opts.prune(abs, e.name)) walk(abs, opts, out);
    } else if (e.isFile() && opts.accept(abs, e.name)) {
      out.push(abs);
    }
  }
  return out;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export function totalBytes(files: readonly string[]): number {
  return files.reduce((n, f) => n + sizeOf(f), 0);
}

/** The files of a seeded random sample of `files` whose sizes add up to at most `cap` bytes, sorted. */
export function sampleByBytes(files: readonly string[], cap: number, seed: number): string[] {
  const picked: string[] = [];
  let bytes = 0;
  for (const f of shuffled([...files].sort(), rng(seed))) {
    const size = sizeOf(f);
    if (bytes + size > cap) continue;
    picked.push(f);
    bytes += size;
  }
  return picked.sort();
}

/** Reads every file once: the page cache is then warm for the first timed run as for the last. */
function warm(files: readonly string[]): void {
  for (const f of files) {
    try {
      fs.readFileSync(f);
    } catch {
      // unreadable: the linters will say so
    }
  }
}

// ---------------------------------------------------------------- the system's files (cached)

interface SystemFiles {
  headers: string[];
  cSources: string[];
  shellScripts: string[];
}

/**
 * Where the machine's C and shell come from: the distribution's files under /usr (/bin and /sbin
 * are links to /usr/bin and /usr/sbin). /usr/local, home directories and /opt hold what this
 * machine's owners installed, not the distribution: they are left alone.
 */
const C_SOURCE_ROOTS = ["/usr"];
const PRUNED_NAMES = new Set(["node_modules", ".corpus", ".git"]);
const PRUNED_PATHS = new Set(["/usr/local", "/usr/include"]);
const SHELL_BIN_DIRS = ["/usr/bin", "/usr/sbin"];
const SHELL_TREE_DIRS = ["/usr/lib", "/usr/libexec", "/usr/share"];
const SHELLS = new Set(["sh", "bash", "dash"]);


function firstLine(file: string): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const buf = Buffer.alloc(128);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("latin1").split("\n", 1)[0] ?? "";
  } catch {
    return "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const isShellScript = (file: string): boolean => sizeOf(file) < MAX_FILE_BYTES && SHELLS.has(shebangInterpreter(firstLine(file)) ?? "");

function scanSystem(ctx: CorpusContext): SystemFiles {
  ctx.log("scanning /usr for C files and shell scripts (once; cached in bench/.corpus/system-files.json)…");
  const prune = (abs: string, name: string): boolean => PRUNED_NAMES.has(name) || PRUNED_PATHS.has(abs) || abs === ctx.root;
  const headers = walk("/usr/include", { prune: (_, n) => PRUNED_NAMES.has(n), accept: (_, n) => n.endsWith(".h") });
  const cSources = C_SOURCE_ROOTS.flatMap((r) => walk(r, { prune, accept: (abs, n) => n.endsWith(".c") && sizeOf(abs) < MAX_FILE_BYTES }));
  const inBin = SHELL_BIN_DIRS.flatMap((d) => walk(d, { prune: () => true, accept: (abs) => isShellScript(abs) }));
  const candidate = (n: string): boolean => !n.includes(".") || n.endsWith(".sh") || n.endsWith(".bash");
  const inTrees = SHELL_TREE_DIRS.flatMap((d) => walk(d, { prune, accept: (abs, n) => candidate(n) && isShellScript(abs) }));
  return { headers: headers.sort(), cSources: cSources.sort(), shellScripts: [...new Set([...inBin, ...inTrees])].sort() };
}

function systemFiles(ctx: CorpusContext): SystemFiles {
  const cache = path.join(ctx.corpusDir, "system-files.json");
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, "utf8")) as SystemFiles;
  const found = scanSystem(ctx);
  fs.mkdirSync(ctx.corpusDir, { recursive: true });
  fs.writeFileSync(cache, JSON.stringify(found, null, 1));
  return found;
}

// ---------------------------------------------------------------- the corpora

/**
 * The machine's C: every hand-written .c file found (up to half the cap), then a seeded sample of
 * /usr/include/**\/*.h filling the cap. Linted in place (explicit paths), so gcc finds the
 * headers' own includes as it would for a user.
 */
export function systemC(ctx: CorpusContext, capBytes: number, name = "system C"): Corpus {
  const sys = systemFiles(ctx);
  const sources = sampleByBytes(sys.cSources, capBytes / 2, ctx.seed);
  const headers = sampleByBytes(sys.headers, capBytes - totalBytes(sources), ctx.seed + 1);
  const files = [...sources, ...headers];
  warm(files);
  const allBytes = totalBytes(sys.headers) + totalBytes(sys.cSources);
  const texts = files.map((f) => fs.readFileSync(f, "utf8"));
  const unbraced = files.filter((_, i) => hasUnbracedGuard(texts[i] as string));
  // The rule's default tab width, as the bench runs it.
  const parsed = files.filter((_, i) => mayMislead(texts[i] as string, 8));
  return {
    name,
    args: files,
    files,
    bytes: totalBytes(files),
    note:
      `${sources.length} .c + ${headers.length} .h sampled from ${sys.cSources.length} .c and ${sys.headers.length} .h (${mb(allBytes)} MB) on this machine; ` +
      `${unbraced.length} files (${mb(totalBytes(unbraced))} MB) have a guard without braces; ${parsed.length} (${mb(totalBytes(parsed))} MB) lay one out so that the rule may report and are parsed, the others are ruled out by c/misleading-indentation's pre-filter`,
  };
}

/** The machine's shell scripts, copied with a `.sh` name into bench/.corpus/shell. */
export function systemShell(ctx: CorpusContext, maxFiles: number): Corpus {
  const sys = systemFiles(ctx);
  const chosen = shuffled(sys.shellScripts, rng(ctx.seed + 2)).slice(0, maxFiles).sort();
  const dir = path.join(ctx.corpusDir, "shell");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = chosen.flatMap((src) => {
    const flat = src.slice(1).replaceAll("/", "__");
    const dest = path.join(dir, /\.(sh|bash)$/.test(flat) ? flat : `${flat}.sh`);
    try {
      fs.copyFileSync(src, dest);
      return [dest];
    } catch {
      return [];
    }
  });
  return {
    name: "system shell",
    args: [dir],
    files,
    bytes: totalBytes(files),
    note: `${files.length} of ${sys.shellScripts.length} sh/bash/dash scripts (by shebang) in /usr/bin, /usr/sbin, /usr/lib, /usr/libexec, /usr/share`,
  };
}

/** The project's fixtures, as they are. */
export function fixtures(ctx: CorpusContext): Corpus {
  const dir = path.join(ctx.root, "test", "fixtures");
  const files = walk(dir, { prune: () => false, accept: () => true });
  return { name: "fixtures", args: [dir], files, bytes: totalBytes(files), note: "every file under test/fixtures" };
}

/** Bump when the generator's output changes, so that stale trees are rewritten. */
const GENERATOR_VERSION = 1;

interface Manifest {
  version: number;
  seed: number;
  projects: number;
  files: number;
  bytes: number;
}

/** The synthetic tree of `projects` projects in bench/.corpus/synth-<N>p, generated unless already there. */
export function synthetic(ctx: CorpusContext, label: string, projects: number): Corpus {
  const dir = path.join(ctx.corpusDir, `synth-${projects}p`);
  const manifestPath = path.join(dir, ".manifest.json");
  const want = { version: GENERATOR_VERSION, seed: ctx.seed, projects };
  let manifest = readManifest(manifestPath);
  if (!manifest || manifest.version !== want.version || manifest.seed !== want.seed || manifest.projects !== want.projects) {
    manifest = generate(ctx, dir, want);
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  }
  const files = walk(dir, { prune: () => false, accept: (_, n) => n !== ".manifest.json" });
  warm(files);
  return { name: `synthetic ${label}`, args: [dir], files, bytes: manifest.bytes, note: `${projects} generated projects (seed ${ctx.seed})` };
}

function readManifest(p: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(p, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

function generate(ctx: CorpusContext, dir: string, want: Omit<Manifest, "files" | "bytes">): Manifest {
  const start = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  let files = 0;
  let bytes = 0;
  const made = new Set<string>();
  for (let i = 0; i < want.projects; i++) {
    for (const f of project(want.seed, i)) {
      const abs = path.join(dir, f.path);
      const parent = path.dirname(abs);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      fs.writeFileSync(abs, f.text);
      files++;
      bytes += Buffer.byteLength(f.text);
    }
  }
  ctx.log(`generated ${path.relative(ctx.root, dir)}: ${files} files, ${mb(bytes)} MB in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return { ...want, files, bytes };
}

export const mb = (bytes: number): string => (bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1);
