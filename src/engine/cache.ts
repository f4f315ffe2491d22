/**
 * `--cache`: a file whose content, configuration and context are unchanged since the last run is
 * not parsed again; its findings and notices come from the cache.
 *
 * - One JSON file, `cache.json`, in the cache directory (default `node_modules/.cache/deploylint`
 *   under the run's root; `--cache-location DIR`). It is loaded once at the start and, if anything
 *   changed, rewritten atomically (temporary file + rename) at the end: one read and one write per
 *   run instead of thousands of small files. Concurrent runs cannot corrupt it; the last one to
 *   finish wins.
 * - An entry per file, by absolute path. Its key is the SHA-256 of the decoded text (what the
 *   rules see; a BOM changes nothing), the effective rule settings (`rulesKey`: ids, severities,
 *   options), the file's language and display path, the project facts that concern this file
 *   (whether a scanned Dockerfile starts it as its entrypoint) and deploylint's version. The whole
 *   cache is dropped when the version or the cache schema changes.
 * - The file is always read (to hash it): reading is cheap, parsing is not. The text read for the
 *   hash is the text that is linted on a miss (handed to the worker), so the stored key always
 *   matches the findings.
 * - Entries of files not seen in a run are kept while the file exists (a run over `src/` does not
 *   throw away the entries of `deploy/`), and dropped when it is gone.
 * - Not cached: unreadable files, results with an internal error (a rule threw), and any file that
 *   `--fix` touched or tried to (its next run re-lints it). Under `--fix`, a cached result that has
 *   an applicable fix counts as a miss, so the file is fixed.
 * - A missing, unreadable, corrupt or foreign cache file is ignored (an empty cache); failing to
 *   write it is a notice, never a failed run.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { hasEligibleFix, type FixRequest } from "./autofix.js";
import type { EnabledRule } from "./lint.js";
import { ALL_SOURCE, type SourceNeeds } from "./excerpt.js";
import { excerptField, type FileOutcome, type FileTask } from "./lint-file.js";
import { normalizeDisplayPath, type ProjectFacts } from "./project.js";
import { readSourceSync } from "./read.js";
import type { Finding, Notice } from "./types.js";

/** Bumped whenever the entry format or the key's ingredients change. */
export const CACHE_SCHEMA = 1;
export const CACHE_FILE_NAME = "cache.json";

/** `<root>/node_modules/.cache/deploylint`, where tools keep their caches (Babel, ESLint's loaders, Prettier). */
export function defaultCacheDir(root: string): string {
  return path.join(root, "node_modules", ".cache", "deploylint");
}

interface Entry {
  key: string;
  linted: boolean;
  findings: Finding[];
  notices: Notice[];
}

interface CacheFile {
  schema: number;
  version: string;
  entries: Record<string, Entry>;
}

export interface LookupContext {
  /** The effective settings of this file's rules: `rulesKey(...)` (or the configuration's key). */
  configKey: string;
  project: ProjectFacts | undefined;
  maxBytes: number;
  fix?: FixRequest;
  /** What a hit's outcome carries of the text (`RunOptions.source`); default: all of it. */
  source?: SourceNeeds;
}

export class LintCache {
  /** Files whose result came from the cache in this run. */
  hits = 0;
  private readonly entries: Map<string, Entry>;
  /** The key of each file looked up and missed in this run, by absolute path (set only for readable files). */
  private readonly pending = new Map<string, string>();
  private readonly seen = new Set<string>();
  private dirty = false;

  private constructor(
    readonly file: string,
    private readonly version: string,
    entries: Map<string, Entry>,
  ) {
    this.entries = entries;
  }

  /** Loads `<dir>/cache.json`; anything wrong with it gives an empty cache. */
  static load(dir: string, version: string): LintCache {
    const file = path.join(dir, CACHE_FILE_NAME);
    const entries = new Map<string, Entry>();
    let stale = false;
    try {
      const data: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (isCacheFile(data) && data.schema === CACHE_SCHEMA && data.version === version) {
        for (const [abs, e] of Object.entries(data.entries)) if (isEntry(e)) entries.set(abs, e);
      } else {
        stale = true;
      }
    } catch {
      // Missing or corrupt: start empty (and replace it at the end).
      stale = existsSync(file);
    }
    const cache = new LintCache(file, version, entries);
    cache.dirty = stale;
    return cache;
  }

  /** The entry key of a text in its context. */
  private key(task: FileTask, text: string, ctx: LookupContext): string {
    const entrypoint = ctx.project?.entrypoints.has(normalizeDisplayPath(task.path)) ?? false;
    const context = JSON.stringify([CACHE_SCHEMA, this.version, ctx.configKey, task.language, task.path, entrypoint]);
    return createHash("sha256").update(context).update("\0").update(text).digest("hex");
  }

  /**
   * The cached outcome of a file, or undefined (a miss). Reads the file to hash it; on a miss the
   * text read is left on `task.preread`, so the lint sees exactly the text the key was made from.
   */
  lookup(task: FileTask, ctx: LookupContext): FileOutcome | undefined {
    this.seen.add(task.absPath);
    const read = task.preread ?? readSourceSync(task.absPath, task.path, { maxBytes: ctx.maxBytes });
    task.preread = read;
    if (!read.ok) return undefined;
    const key = this.key(task, read.text, ctx);
    const entry = this.entries.get(task.absPath);
    if (!entry || entry.key !== key || (ctx.fix && hasEligibleFix(entry.findings, ctx.fix.mode))) {
      this.pending.set(task.absPath, key);
      return undefined;
    }
    this.hits++;
    delete task.preread;
    // Display paths are part of the key, but a hit is rebuilt for this task all the same.
    const findings = entry.findings.map((f) => ({ ...f, file: task.path }));
    return {
      linted: entry.linted,
      findings,
      notices: entry.notices.map((n) => ({ ...n, file: task.path })),
      ...excerptField(read.text, findings, ctx.source ?? ALL_SOURCE),
      unreadableArgument: false,
    };
  }

  /** Records the outcome of a file that missed (see the module comment for what is not cached). */
  store(task: FileTask, outcome: FileOutcome): void {
    const key = this.pending.get(task.absPath);
    if (key === undefined) return;
    this.pending.delete(task.absPath);
    if (outcome.fix !== undefined || outcome.notices.some((n) => n.kind === "internal-error" || n.kind === "unreadable")) {
      if (this.entries.delete(task.absPath)) this.dirty = true;
      return;
    }
    this.entries.set(task.absPath, { key, linted: outcome.linted, findings: outcome.findings, notices: outcome.notices });
    this.dirty = true;
  }

  /**
   * Writes the cache if anything changed: entries of files not seen in this run stay while the
   * file exists. Returns a message when the cache could not be written.
   */
  save(): string | undefined {
    for (const abs of [...this.entries.keys()]) {
      if (!this.seen.has(abs) && !existsSync(abs)) {
        this.entries.delete(abs);
        this.dirty = true;
      }
    }
    if (!this.dirty) return undefined;
    const data: CacheFile = { schema: CACHE_SCHEMA, version: this.version, entries: Object.fromEntries(this.entries) };
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
    } catch (e) {
      return `cannot create the cache directory: ${e instanceof Error ? e.message : String(e)}`;
    }
    const res = writeFileAtomic(this.file, JSON.stringify(data), { fsync: false });
    if (!res.ok) return `cannot write the cache: ${res.message}`;
    this.dirty = false;
    return undefined;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isCacheFile(x: unknown): x is CacheFile {
  return isObject(x) && typeof x.schema === "number" && typeof x.version === "string" && isObject(x.entries);
}

function isPosition(x: unknown): boolean {
  return isObject(x) && typeof x.offset === "number" && typeof x.line === "number" && typeof x.column === "number";
}

function isRange(x: unknown): boolean {
  return isObject(x) && isPosition(x.start) && isPosition(x.end);
}

/** Enough of a shape check that a hand-edited cache cannot crash a formatter. */
function isEntry(x: unknown): x is Entry {
  if (!isObject(x) || typeof x.key !== "string" || typeof x.linted !== "boolean") return false;
  if (!Array.isArray(x.findings) || !Array.isArray(x.notices)) return false;
  const findingsOk = x.findings.every(
    (f: unknown) =>
      isObject(f) &&
      typeof f.ruleId === "string" &&
      typeof f.message === "string" &&
      typeof f.severity === "string" &&
      isRange(f.range) &&
      Array.isArray(f.related) &&
      f.related.every((r: unknown) => isObject(r) && isRange(r.range) && typeof r.message === "string"),
  );
  const noticesOk = x.notices.every((n: unknown) => isObject(n) && typeof n.kind === "string" && typeof n.message === "string");
  return findingsOk && noticesOk;
}
