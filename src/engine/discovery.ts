/**
 * File discovery: command-line paths → a stream of files to lint, in a deterministic order.
 *
 * - Files are yielded as directories are read, so linting can start before discovery ends. The
 *   order is a depth-first walk with each directory's entries sorted by name (code-unit order, not
 *   locale), then the symlinks met during the walk (see below). A few reads are started ahead of
 *   the one being waited for (`LOOKAHEAD`), without changing the order.
 * - Ignore files (`.gitignore`, `.deploylintignore` by default) apply at every level, relative to
 *   their own directory, with negations, as git reads them; so do those of the ancestors of a
 *   scanned directory up to the repository root (the nearest ancestor holding `.git`), and the
 *   repository's `.git/info/exclude`. Precedence follows ripgrep: config `extraIgnores` beat
 *   `.deploylintignore`, which beats `.gitignore`, which beats `.git/info/exclude`; within one
 *   kind the deeper file wins, and within a file the last matching line. A directory holding
 *   `.git` starts a new repository: the ignore rules git would not carry into it are dropped.
 *   All rules are rebased onto one root and compiled into one `ignore` matcher, rebuilt only at
 *   directories that hold an ignore file, so a directory's exclusion also excludes everything
 *   under it exactly as git decides. Config files' own `ignore` lists (relative to each config's
 *   directory; the `isIgnored` option) are applied on top of all that: they only exclude more.
 * - A walk never enters `.git`, `.hg`, `.svn` or `node_modules`, and yields only regular files
 *   (and links to them): FIFOs, sockets and devices are never opened.
 * - Paths named on the command line are never filtered by their own name. An explicitly named
 *   directory is walked even if ignored (as ripgrep and Ruff do: the user asked for it); the
 *   ignore files inside it still apply, while those above it and the config's `extraIgnores`
 *   are dropped for that walk (they would exclude everything in it). Hard-skipped names
 *   (`node_modules`, …) do not apply to named paths either. An explicitly named FILE that an
 *   ignore file covers is skipped without a notice: pre-commit hooks pass files, and git would
 *   not have passed an ignored one, so a notice would only be noise (ESLint warns "File ignored
 *   because of a matching ignore pattern"; we deliberately do not). An explicitly named file
 *   whose language is unknown is also skipped silently.
 * - Symlinks are resolved after the real directories of the tree being walked, so files are
 *   reported under their real path when both lead to them. A symlinked directory is followed
 *   only if its real path lies inside the real path of the scanned root and has not been visited
 *   (each real directory is walked at most once); a link to one of its own ancestors is a loop
 *   (notice). Nothing outside the tree is read. A link leaving it gets a notice when it is a
 *   directory or its name says deploylint would lint it; a broken link when its name says so (a
 *   tree full of links to shared libraries stays quiet). A file reached through a link whose
 *   target was already yielded is not yielded again. Links are queued in walk order and
 *   resolved a few at a time.
 */
import fs, { type Dirent, type Stats } from "node:fs";
import path from "node:path";
import ignore from "ignore";
import { detectLanguage, languageFromName, needsHead, type LanguagePatterns } from "./detect.js";
import { errorCode, ioErrorPhrase, readHead } from "./read.js";
import type { LanguageId, Notice } from "./types.js";

/** A callback of `fs` as a promise. */
function settle<T>(run: (done: (e: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((e, value) => (e ? reject(e) : resolve(value))));
}

/** A synchronous `fs` call's outcome as a settled promise. */
function now<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/**
 * What discovery asks of the file system, as promises. Listings (`readdir`) are asynchronous:
 * the walk reads a few ahead (`LOOKAHEAD`), and each one lets the event loop turn (a worker pool
 * gets its results and more files meanwhile). The small lookups are synchronous: the stat of each command-line path, the
 * `.git` probes up to the repository root, ignore files, real paths. Discovery awaits them one
 * after another, and on the thread pool each cost a round trip that, on a 2-core machine
 * compiling WebAssembly in the background, was mostly waiting: discovering the bench's 243
 * command-line C files took 150–190 ms with them asynchronous and 50–60 ms synchronous, and a
 * 1,300-file tree 75–80 ms against 40–50 ms. Not `fs.promises`, which would load Node's
 * `fs/promises` module (and its streams), ~5 ms of a one-file run's start-up. Looked up on `fs`
 * at each call, so tests can make one fail.
 */
const fsp = {
  lstat: (p: string) => now(() => fs.lstatSync(p)),
  stat: (p: string) => now(() => fs.statSync(p)),
  // The native one, as fs.promises.realpath: fs.realpath's JS version lstats every component.
  realpath: (p: string) => now(() => fs.realpathSync.native(p)),
  readFile: (p: string) => now(() => fs.readFileSync(p, "utf8")),
  readdir: (p: string) => settle<Dirent[]>((done) => fs.readdir(p, { withFileTypes: true }, done)),
};

export type DiscoveryEvent =
  | {
      kind: "file";
      /** Relative to `cwd` with forward slashes, or as the user gave it if absolute. */
      path: string;
      absPath: string;
      language: LanguageId;
      /** Named on the command line (not found by walking a directory). */
      explicit: boolean;
    }
  | { kind: "notice"; notice: Notice }
  | { kind: "missing"; path: string; message: string };

export interface DiscoverOptions {
  /** The working directory: relative paths, display paths and `extraIgnores` are relative to it. */
  cwd: string;
  /** Ignore files read in every directory; later names take precedence. */
  ignoreFileNames?: readonly string[];
  /** Extra patterns in gitignore syntax, relative to `cwd` (from config). */
  extraIgnores?: readonly string[];
  /**
   * Config files' `ignore` (each relative to its own directory, so not expressible as
   * `extraIgnores`): whether a path is excluded. Applied besides the ignore files, like
   * `extraIgnores`: an ignored directory is not entered, an ignored named file is skipped
   * silently, and a named directory that it ignores is walked without it. May throw (a bad config
   * file): discovery stops with that error.
   */
  isIgnored?: (absPath: string, isDirectory: boolean) => boolean;
  /** Config files' `languages`: file-name patterns consulted before the built-in detection. May throw. */
  languagePatterns?: LanguagePatterns;
}

export const DEFAULT_IGNORE_FILE_NAMES: readonly string[] = [".gitignore", ".deploylintignore"];

/** Never entered, ignore files or not. */
const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([".git", ".hg", ".svn", "node_modules"]);

/** How many directory listings / head reads of one directory may be in flight ahead of the walk. */
const LOOKAHEAD = 16;

/** git matches case-insensitively where the file system usually is (core.ignoreCase). */
const IGNORE_CASE = process.platform === "darwin" || process.platform === "win32";

const MESSAGES = {
  loop: "symlink loop; skipped",
  outside: "symlink points outside the scanned tree; skipped",
  broken: "broken symlink; skipped",
  special: "not a regular file; skipped",
} as const;

// ---------------------------------------------------------------------------------------------
// Ignore rules

/**
 * The rules of one ignore source, rebased onto the matcher root and compiled once: matchers
 * share a group's compiled rules (`ignore` copies rule objects, and compiles each lazily).
 */
interface PatternGroup {
  /** Higher wins: 0 = `.git/info/exclude`, then the ignore file names in order, then config. */
  rank: number;
  /** Rules git owns (`.gitignore`, `info/exclude`): dropped on entering a nested repository. */
  git: boolean;
  rules: ignore.Ignore;
}

/** A group of the given patterns, or none if there are no patterns. */
function makeGroup(rank: number, git: boolean, patterns: readonly string[]): PatternGroup[] {
  return patterns.length === 0 ? [] : [{ rank, git, rules: ignore({ ignorecase: IGNORE_CASE }).add(patterns) }];
}

/** The ignore rules in force in one directory. `ig` is absent when there are none. */
interface Matcher {
  groups: readonly PatternGroup[];
  ig: ignore.Ignore | undefined;
}

const NO_RULES: Matcher = { groups: [], ig: undefined };

function makeMatcher(groups: readonly PatternGroup[]): Matcher {
  // A stable sort: within one rank, groups stay in walk order (shallow before deep), so the
  // deeper file's lines come later and win, as in git.
  const sorted = [...groups].sort((a, b) => a.rank - b.rank);
  if (sorted.length === 0) return NO_RULES;
  return { groups: sorted, ig: ignore({ ignorecase: IGNORE_CASE }).add(sorted.map((g) => g.rules)) };
}

function withGroups(base: Matcher, added: readonly PatternGroup[], newRepository: boolean): Matcher {
  if (added.length === 0 && !newRepository) return base;
  const kept = newRepository ? base.groups.filter((g) => !g.git) : base.groups;
  return makeMatcher([...kept, ...added]);
}

/** `rel` is relative to the matcher root, with `/`; directories are tested with a trailing `/`. */
function isIgnored(matcher: Matcher, rel: string, isDirectory: boolean): boolean {
  return matcher.ig !== undefined && matcher.ig.ignores(isDirectory ? `${rel}/` : rel);
}

/** Escapes a path segment so that it matches itself literally in a gitignore pattern. */
function escapeSegment(segment: string): string {
  return segment.replace(/[\\*?[\]]/g, "\\$&").replace(/^[#!]/, "\\$&");
}

/** `dir` (relative, with `/`) as a pattern prefix that matches itself literally. */
function patternPrefix(dir: string): string {
  return dir.split("/").map(escapeSegment).join("/");
}

/**
 * One gitignore line, rebased from its own directory onto the matcher root: `prefix` is that
 * directory as `patternPrefix` gives it, `""` for the root itself. `undefined` for blank lines and
 * comments. A pattern with a slash before its end is anchored to its directory; one without
 * matches at any depth below it.
 */
function rebaseLine(line: string, prefix: string): string | undefined {
  if (line.trim() === "" || line.startsWith("#")) return undefined;
  if (prefix === "") return line;
  const negative = line.startsWith("!");
  let body = negative ? line.slice(1) : line;
  // `\#` and `\!` only need escaping at the start of a line; after the prefix they are literal.
  if (body.startsWith("\\#") || body.startsWith("\\!")) body = body.slice(1);
  const core = body.replace(/(?<!\\)\s+$/, "").replace(/\/+$/, "");
  if (core === "") return undefined;
  const rebased = core.includes("/") ? `${prefix}/${body.replace(/^\/+/, "")}` : `${prefix}/**/${body}`;
  return negative ? `!${rebased}` : rebased;
}

/** One gitignore line written in `dir` (relative to the matcher root, `""` for the root), rebased onto the root. */
export function rebasePattern(line: string, dir: string): string | undefined {
  return rebaseLine(line, dir === "" ? "" : patternPrefix(dir));
}

/** The patterns of an ignore file's text, rebased from `dir`. */
export function parseIgnoreFile(text: string, dir: string): string[] {
  const prefix = dir === "" ? "" : patternPrefix(dir);
  const out: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, "").split("\n")) {
    const pattern = rebaseLine(raw.replace(/\r$/, ""), prefix);
    if (pattern !== undefined) out.push(pattern);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paths

function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  return child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

/** `dir` + `name` with the platform separator (`dir` may be the file system root). */
function joinNative(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

/** A display path joined with `/` (`.` stands for the working directory). */
function joinDisplay(dir: string, name: string): string {
  if (dir === ".") return name;
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

function joinRel(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

function toPosix(p: string): string {
  return path.sep === "/" ? p : p.split(path.sep).join("/");
}

/** `to` relative to `from` with `/`; `""` when equal. `to` must be inside `from`. */
function relPosix(from: string, to: string): string {
  return toPosix(path.relative(from, to));
}

/** How a found file is displayed: relative to `cwd` with forward slashes when inside it, else absolute. */
export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return toPosix(abs);
  return toPosix(rel);
}

/**
 * How a command-line path is displayed: relative to `cwd` (normalised, `.` for `cwd` itself), or
 * as given (normalised) when absolute. A relative path outside `cwd` keeps its `../`.
 */
export function displayRoot(cwd: string, arg: string): string {
  if (path.isAbsolute(arg)) {
    const normal = path.normalize(arg);
    const trimmed = normal.length > 1 && normal.endsWith(path.sep) ? normal.slice(0, -1) : normal;
    return toPosix(trimmed);
  }
  const rel = path.relative(cwd, path.resolve(cwd, arg));
  return rel === "" ? "." : toPosix(rel);
}

// ---------------------------------------------------------------------------------------------
// The state of one discover() call (no module-level state)

interface Scope {
  /** The directory every pattern is rebased onto and every tested path is relative to. */
  matcherRoot: string;
  /** Ancestor ignore files are read from here down. */
  boundary: string;
  repoRoot: string | undefined;
}

interface Context {
  cwd: string;
  ignoreFileNames: readonly string[];
  extraIgnores: readonly string[];
  isIgnored: ((absPath: string, isDirectory: boolean) => boolean) | undefined;
  patterns: LanguagePatterns | undefined;
  repoRoots: Map<string, Promise<string | undefined>>;
  dirMatchers: Map<string, Promise<Matcher>>;
  /** Real paths of the files already yielded (several arguments may reach the same file). */
  yielded: Set<string>;
  /** `file\0message` of the notices already yielded. */
  noticed: Set<string>;
}

function createContext(options: DiscoverOptions): Context {
  return {
    cwd: path.resolve(options.cwd),
    ignoreFileNames: options.ignoreFileNames ?? DEFAULT_IGNORE_FILE_NAMES,
    extraIgnores: options.extraIgnores ?? [],
    isIgnored: options.isIgnored,
    patterns: options.languagePatterns,
    repoRoots: new Map(),
    dirMatchers: new Map(),
    yielded: new Set(),
    noticed: new Set(),
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** The nearest ancestor-or-self of `dir` that holds `.git` (memoised per call). */
function findRepoRoot(ctx: Context, dir: string): Promise<string | undefined> {
  const known = ctx.repoRoots.get(dir);
  if (known) return known;
  const found = (async (): Promise<string | undefined> => {
    if (await exists(path.join(dir, ".git"))) return dir;
    const parent = path.dirname(dir);
    return parent === dir ? undefined : findRepoRoot(ctx, parent);
  })();
  ctx.repoRoots.set(dir, found);
  return found;
}

async function scopeFor(ctx: Context, dir: string): Promise<Scope> {
  const repoRoot = await findRepoRoot(ctx, dir);
  const boundary = repoRoot ?? (isInside(dir, ctx.cwd) ? ctx.cwd : dir);
  // Rebasing onto the working directory when it contains the boundary lets config patterns
  // (relative to cwd) be anchored too.
  const matcherRoot = isInside(boundary, ctx.cwd) ? ctx.cwd : boundary;
  return { matcherRoot, boundary, repoRoot };
}

/** The config's `extraIgnores` (relative to cwd), as a matcher rooted at `scope.matcherRoot`. */
function configMatcher(ctx: Context, scope: Scope): Matcher {
  const rank = ctx.ignoreFileNames.length + 1;
  if (isInside(ctx.cwd, scope.matcherRoot)) {
    const dir = relPosix(scope.matcherRoot, ctx.cwd);
    const patterns = ctx.extraIgnores.map((p) => rebasePattern(p, dir)).filter((p) => p !== undefined);
    return makeMatcher(makeGroup(rank, false, patterns));
  }
  // A tree outside cwd: only the patterns that are not anchored to cwd can mean anything there.
  const unanchored = ctx.extraIgnores.filter((p) => !p.replace(/^!/, "").replace(/\/+$/, "").includes("/"));
  return makeMatcher(makeGroup(rank, false, unanchored.filter((p) => rebasePattern(p, "") !== undefined)));
}

async function readText(p: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(p);
  } catch {
    return undefined;
  }
}

/** The `info/exclude` file of the repository whose `.git` (directory or `gitdir:` file) is given. */
async function readGitExclude(dotGit: string): Promise<string | undefined> {
  const direct = await readText(path.join(dotGit, "info", "exclude"));
  if (direct !== undefined) return direct;
  const pointer = await readText(dotGit);
  const m = pointer === undefined ? null : /^gitdir:\s*(.+?)\s*$/m.exec(pointer);
  if (!m?.[1]) return undefined;
  return readText(path.join(path.resolve(path.dirname(dotGit), m[1]), "info", "exclude"));
}

/**
 * The pattern groups a directory contributes: its ignore files (only those in `present`; an
 * unreadable ignore file is treated as empty) and, if it holds `.git`, the repository's exclude
 * file.
 */
async function loadDirGroups(
  ctx: Context,
  dirAbs: string,
  rel: string,
  present: readonly string[],
  hasGit: boolean,
): Promise<PatternGroup[]> {
  const files = ctx.ignoreFileNames.map((name, i) =>
    present.includes(name) ? readText(joinNative(dirAbs, name)).then((text) => ({ name, rank: i + 1, text })) : undefined,
  );
  const exclude = hasGit ? await readGitExclude(joinNative(dirAbs, ".git")) : undefined;
  const groups = exclude === undefined ? [] : makeGroup(0, true, parseIgnoreFile(exclude, rel));
  for (const pending of files) {
    const file = await pending;
    if (file?.text === undefined) continue;
    groups.push(...makeGroup(file.rank, file.name === ".gitignore", parseIgnoreFile(file.text, rel)));
  }
  return groups;
}

/** The matcher for paths in `dir`: config plus the ignore files from the boundary down to `dir`. */
function dirMatcher(ctx: Context, dir: string): Promise<Matcher> {
  const known = ctx.dirMatchers.get(dir);
  if (known) return known;
  const made = (async (): Promise<Matcher> => {
    const scope = await scopeFor(ctx, dir);
    const base = dir === scope.boundary ? configMatcher(ctx, scope) : await dirMatcher(ctx, path.dirname(dir));
    const own = await loadDirGroups(ctx, dir, relPosix(scope.matcherRoot, dir), ctx.ignoreFileNames, dir === scope.repoRoot);
    return withGroups(base, own, false);
  })();
  ctx.dirMatchers.set(dir, made);
  return made;
}

/**
 * The matcher a walk of `root` starts with: config and the ancestors' ignore files (the root's
 * own are read when its listing is). A root that those rules ignore was named explicitly, so it
 * is walked anyway, without them.
 */
async function rootMatcher(ctx: Context, root: string): Promise<{ matcher: Matcher; rel: string }> {
  const scope = await scopeFor(ctx, root);
  const rel = relPosix(scope.matcherRoot, root);
  const inherited =
    root === scope.boundary ? configMatcher(ctx, scope) : await dirMatcher(ctx, path.dirname(root));
  if (rel !== "" && isIgnored(inherited, rel, true)) return { matcher: NO_RULES, rel };
  return { matcher: inherited, rel };
}

// ---------------------------------------------------------------------------------------------
// Events

function noticeEvent(ctx: Context, notice: Notice): DiscoveryEvent[] {
  const key = `${notice.file}\0${notice.message}`;
  if (ctx.noticed.has(key)) return [];
  ctx.noticed.add(key);
  return [{ kind: "notice", notice }];
}

function fileEvent(
  ctx: Context,
  realKey: string,
  display: string,
  absPath: string,
  language: LanguageId,
  explicit: boolean,
): DiscoveryEvent[] {
  if (ctx.yielded.has(realKey)) return [];
  ctx.yielded.add(realKey);
  return [{ kind: "file", path: display, absPath, language, explicit }];
}

async function languageOf(absPath: string, name: string, patterns: LanguagePatterns | undefined): Promise<LanguageId | undefined> {
  const byName = languageFromName(absPath, patterns);
  if (byName !== undefined || !needsHead(name)) return byName;
  return detectLanguage(name, await readHead(absPath));
}

// ---------------------------------------------------------------------------------------------
// Walking

type Listing = { ok: true; entries: Dirent[] } | { ok: false; error: unknown };

/** Never rejects: a prefetched listing must not become an unhandled rejection. */
async function listDirectory(dir: string): Promise<Listing> {
  try {
    const entries = await fsp.readdir(dir);
    return { ok: true, entries: entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Where a directory is: how it is displayed, read, identified (real path) and matched. */
interface Place {
  abs: string;
  display: string;
  real: string;
  /** Relative to the matcher root, with `/`. */
  rel: string;
  matcher: Matcher;
}

type Item =
  | { kind: "file"; name: string; language: LanguageId }
  | { kind: "head"; name: string; head?: Promise<string | undefined> }
  | { kind: "directory"; name: string; listing?: Promise<Listing> }
  | { kind: "link"; name: string };

interface Frame {
  place: Place;
  items: Item[];
  next: number;
  started: number;
}

/** A symlink met during a walk, resolved once the real directories have been walked. */
interface Link {
  parent: Place;
  name: string;
}

/** The state of walking one command-line directory. */
interface Walk {
  realRoot: string;
  /** Real paths of the directories walked or being walked. */
  visited: Set<string>;
  links: Link[];
  /** The config's `isIgnored`, unless this walk's named root is one it ignores. */
  configIgnores: ((absPath: string, isDirectory: boolean) => boolean) | undefined;
}

function classify(ctx: Context, walk: Walk, place: Place, entries: readonly Dirent[]): Item[] {
  const items: Item[] = [];
  const vetoed = (name: string, isDirectory: boolean): boolean =>
    walk.configIgnores?.(joinNative(place.abs, name), isDirectory) === true;
  for (const entry of entries) {
    const name = entry.name;
    if (SKIPPED_DIRECTORIES.has(name)) continue;
    const rel = joinRel(place.rel, name);
    if (entry.isDirectory()) {
      if (walk.visited.has(joinNative(place.real, name)) || isIgnored(place.matcher, rel, true) || vetoed(name, true)) continue;
      items.push({ kind: "directory", name });
    } else if (entry.isFile()) {
      const language = languageFromName(joinNative(place.abs, name), ctx.patterns);
      if (language !== undefined) {
        if (!isIgnored(place.matcher, rel, false) && !vetoed(name, false)) items.push({ kind: "file", name, language });
      } else if (needsHead(name) && !isIgnored(place.matcher, rel, false) && !vetoed(name, false)) {
        items.push({ kind: "head", name });
      }
    } else if (entry.isSymbolicLink()) {
      items.push({ kind: "link", name });
    }
    // FIFOs, sockets and devices are never linted.
  }
  return items;
}

/** Starts the reads of the next few items, so the walk rarely waits on one. */
function startAhead(frame: Frame): void {
  const limit = Math.min(frame.items.length, frame.next + LOOKAHEAD);
  for (; frame.started < limit; frame.started++) {
    const item = frame.items[frame.started];
    if (item?.kind === "directory") item.listing = listDirectory(joinNative(frame.place.abs, item.name));
    else if (item?.kind === "head") item.head = readHead(joinNative(frame.place.abs, item.name));
  }
}

/** Which of the ignore file names a listing holds (as files or links), and whether it holds `.git`. */
function scanListing(entries: readonly Dirent[], ignoreFileNames: readonly string[]): { present: string[]; hasGit: boolean } {
  const present: string[] = [];
  let hasGit = false;
  for (const entry of entries) {
    if (entry.name === ".git") hasGit = true;
    else if (ignoreFileNames.includes(entry.name) && !entry.isDirectory()) present.push(entry.name);
  }
  return { present, hasGit };
}

/**
 * Opens a directory whose listing has been read: records it as visited, applies its ignore files
 * and classifies its entries. A listing error becomes an `unreadable` notice.
 */
async function openFrame(
  ctx: Context,
  walk: Walk,
  place: Place,
  listing: Listing,
): Promise<{ frame: Frame } | { notice: Notice }> {
  if (!listing.ok) {
    return {
      notice: { file: place.display, kind: "unreadable", message: `cannot read directory: ${ioErrorPhrase(listing.error)}` },
    };
  }
  walk.visited.add(place.real);
  const { present, hasGit } = scanListing(listing.entries, ctx.ignoreFileNames);
  const matcher =
    present.length === 0 && !hasGit
      ? place.matcher
      : withGroups(place.matcher, await loadDirGroups(ctx, place.abs, place.rel, present, hasGit), hasGit);
  const here = { ...place, matcher };
  return { frame: { place: here, items: classify(ctx, walk, here, listing.entries), next: 0, started: 0 } };
}

function childPlace(parent: Place, name: string, real: string): Place {
  return {
    abs: joinNative(parent.abs, name),
    display: joinDisplay(parent.display, name),
    real,
    rel: joinRel(parent.rel, name),
    matcher: parent.matcher,
  };
}

/**
 * Depth-first walk of one directory tree. Only real directories are entered; symlinks are queued
 * on `walk.links`, in walk order.
 */
async function* walkTree(
  ctx: Context,
  walk: Walk,
  start: Place,
  listing: Promise<Listing>,
): AsyncGenerator<DiscoveryEvent> {
  const stack: Frame[] = [];
  const opened = await openFrame(ctx, walk, start, await listing);
  if ("notice" in opened) {
    yield* noticeEvent(ctx, opened.notice);
    return;
  }
  stack.push(opened.frame);
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    startAhead(top);
    const item = top.items[top.next];
    if (item === undefined) {
      stack.pop();
      continue;
    }
    top.next++;
    const { place } = top;
    if (item.kind === "link") {
      walk.links.push({ parent: place, name: item.name }); // resolved after the real tree: see walkRoot
      continue;
    }
    const real = joinNative(place.real, item.name);
    const abs = joinNative(place.abs, item.name);
    if (item.kind === "directory") {
      if (walk.visited.has(real)) continue;
      const listing = await (item.listing ?? listDirectory(abs));
      const child = await openFrame(ctx, walk, childPlace(place, item.name, real), listing);
      if ("notice" in child) yield* noticeEvent(ctx, child.notice);
      else stack.push(child.frame);
      continue;
    }
    const language = item.kind === "file" ? item.language : detectLanguage(item.name, await (item.head ?? readHead(abs)));
    if (language === undefined) continue;
    yield* fileEvent(ctx, real, joinDisplay(place.display, item.name), abs, language, false);
  }
}

type LinkTarget =
  | { kind: "directory"; real: string }
  | { kind: "file"; real: string; language: LanguageId }
  | { kind: "skip" }
  | { kind: "notice"; message: string; noticeKind: Notice["kind"] };

/**
 * What a symlink met in a walk leads to, and whether the walk may use it: everything but the
 * `visited` check, which must wait until the links before it have been walked. Never rejects,
 * since links are probed ahead of the one being consumed.
 */
async function probeLink(ctx: Context, walk: Walk, link: Link): Promise<LinkTarget> {
  try {
    return await probeLinkUnsafe(ctx, walk, link);
  } catch (error) {
    return { kind: "notice", noticeKind: "internal-error", message: `cannot resolve symlink: ${String(error)}` };
  }
}

async function probeLinkUnsafe(ctx: Context, walk: Walk, link: Link): Promise<LinkTarget> {
  const abs = joinNative(link.parent.abs, link.name);
  const rel = joinRel(link.parent.rel, link.name);
  let stat: Stats;
  try {
    stat = await fsp.stat(abs);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ELOOP") return { kind: "notice", noticeKind: "skipped", message: MESSAGES.loop };
    // A dangling link is reported only when its name says deploylint would have linted it.
    if (code === "ENOENT" && languageFromName(link.name) !== undefined) {
      return { kind: "notice", noticeKind: "skipped", message: MESSAGES.broken };
    }
    return { kind: "skip" };
  }
  if (stat.isDirectory()) {
    if (isIgnored(link.parent.matcher, rel, true) || walk.configIgnores?.(abs, true)) return { kind: "skip" };
    const real = await realpathOf(abs);
    if (real === undefined) return { kind: "skip" };
    if (!isInside(real, walk.realRoot)) return { kind: "notice", noticeKind: "skipped", message: MESSAGES.outside };
    if (isInside(link.parent.real, real)) return { kind: "notice", noticeKind: "skipped", message: MESSAGES.loop };
    return { kind: "directory", real };
  }
  if (!stat.isFile()) return { kind: "skip" };
  const byName = languageFromName(abs, ctx.patterns);
  if ((byName === undefined && !needsHead(link.name)) || isIgnored(link.parent.matcher, rel, false)) return { kind: "skip" };
  if (walk.configIgnores?.(abs, false)) return { kind: "skip" };
  const real = await realpathOf(abs);
  if (real === undefined) return { kind: "skip" };
  // Nothing outside the tree is read, not even a head: an extensionless link leaving it is skipped
  // silently (think /usr/bin → /etc/alternatives), one whose name says we would lint it with a notice.
  if (!isInside(real, walk.realRoot)) {
    return byName === undefined ? { kind: "skip" } : { kind: "notice", noticeKind: "skipped", message: MESSAGES.outside };
  }
  const language = byName ?? detectLanguage(link.name, await readHead(real));
  return language === undefined ? { kind: "skip" } : { kind: "file", real, language };
}

async function realpathOf(p: string): Promise<string | undefined> {
  try {
    return await fsp.realpath(p);
  } catch {
    return undefined;
  }
}

/** Walks a command-line directory: its real tree first, then the symlinks met on the way. */
async function* walkRoot(ctx: Context, abs: string, display: string): AsyncGenerator<DiscoveryEvent> {
  const realRoot = (await realpathOf(abs)) ?? abs;
  const { matcher, rel } = await rootMatcher(ctx, abs);
  // A named directory that config ignores is walked anyway, without config's ignores (see above).
  const configIgnores = ctx.isIgnored?.(abs, true) === true ? undefined : ctx.isIgnored;
  const walk: Walk = { realRoot, visited: new Set(), links: [], configIgnores };
  yield* walkTree(ctx, walk, { abs, display, real: realRoot, rel, matcher }, listDirectory(abs));
  // Following a linked directory may meet more links: `walk.links` grows while we read it.
  const probes: Promise<LinkTarget>[] = [];
  for (let i = 0; i < walk.links.length; i++) {
    for (let j = probes.length; j < Math.min(walk.links.length, i + LOOKAHEAD); j++) {
      probes.push(probeLink(ctx, walk, walk.links[j] as Link));
    }
    const link = walk.links[i] as Link;
    const target = await (probes[i] as Promise<LinkTarget>);
    const linkDisplay = joinDisplay(link.parent.display, link.name);
    if (target.kind === "notice") {
      yield* noticeEvent(ctx, { file: linkDisplay, kind: target.noticeKind, message: target.message });
    } else if (target.kind === "file") {
      yield* fileEvent(ctx, target.real, linkDisplay, joinNative(link.parent.abs, link.name), target.language, false);
    } else if (target.kind === "directory" && !walk.visited.has(target.real)) {
      const place = childPlace(link.parent, link.name, target.real);
      yield* walkTree(ctx, walk, place, listDirectory(place.abs));
    }
  }
}

/** A file named on the command line. */
async function* explicitFile(ctx: Context, abs: string, display: string): AsyncGenerator<DiscoveryEvent> {
  const language = await languageOf(abs, path.basename(abs), ctx.patterns);
  if (language === undefined) return; // pre-commit passes every changed file: unknown ones are not ours
  const dir = path.dirname(abs);
  const [matcher, scope] = await Promise.all([dirMatcher(ctx, dir), scopeFor(ctx, dir)]);
  if (isIgnored(matcher, relPosix(scope.matcherRoot, abs), false)) return; // see the module comment
  if (ctx.isIgnored?.(abs, false) === true) return;
  yield* fileEvent(ctx, (await realpathOf(abs)) ?? abs, display, abs, language, true);
}

async function* discoverArg(ctx: Context, arg: string): AsyncGenerator<DiscoveryEvent> {
  const abs = path.resolve(ctx.cwd, arg);
  const display = displayRoot(ctx.cwd, arg);
  let stat: Stats;
  try {
    stat = await fsp.stat(abs);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") {
      yield { kind: "missing", path: arg, message: "no such file or directory" };
    } else if (code === "ELOOP") {
      yield* noticeEvent(ctx, { file: display, kind: "skipped", message: MESSAGES.loop });
    } else {
      yield* noticeEvent(ctx, { file: display, kind: "unreadable", message: `cannot read: ${ioErrorPhrase(error)}` });
    }
    return;
  }
  if (stat.isDirectory()) yield* walkRoot(ctx, abs, display);
  else if (stat.isFile()) yield* explicitFile(ctx, abs, display);
  else if (languageFromName(abs) !== undefined) {
    yield* noticeEvent(ctx, { file: display, kind: "skipped", message: MESSAGES.special });
  }
}

/**
 * The files to lint under `paths` (default `.`), as a stream of events in a deterministic order.
 * Files whose language deploylint does not know are never yielded; a path that does not exist
 * yields a `missing` event (the CLI exits 2 on it); problems met on the way are `notice` events.
 * A file reached by several paths is yielded once, under the first.
 */
export async function* discover(paths: readonly string[], options: DiscoverOptions): AsyncGenerator<DiscoveryEvent> {
  const ctx = createContext(options);
  for (const arg of paths.length === 0 ? ["."] : paths) yield* discoverArg(ctx, arg);
}
