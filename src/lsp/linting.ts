/**
 * Linting one open document: which language, which rules, which project facts, then the engine.
 * No protocol here (the bench and the tests drive it directly); the server adds documents,
 * versions and publishing on top.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { detectLanguage, languageFromName, refineLanguage, type LanguagePatterns } from "../engine/detect.js";
import { displayPath } from "../engine/discovery.js";
import { Linter } from "../engine/lint.js";
import { lintSafely } from "../engine/lint-file.js";
import { projectFacts, type ProjectFacts } from "../engine/project.js";
import { DEFAULT_MAX_BYTES, formatSize, readSourceSync } from "../engine/read.js";
import { unsuppressed } from "../engine/result.js";
import { allRules, selectRules, type RuleSelection } from "../engine/registry.js";
import type { Finding, LanguageId, Notice } from "../engine/types.js";
import { ConfigLoadError, ConfigResolver, CONFIG_FILE_NAMES, formatConfigError } from "../config/index.js";
import { mergeRules } from "../config/resolver.js";
import { languageFromId, uriToPath } from "./convert.js";
import type { Settings } from "./settings.js";

/**
 * The project's configuration as the CLI reads it: the config files from a document's directory
 * up (src/config's ConfigResolver), or none (`NO_PROJECT_CONFIG`, and in tests).
 */
export interface ProjectConfig {
  /** The rule selection and size limit the configuration gives this file, or why it cannot be read. */
  forFile(absPath: string): { ok: true; selection: RuleSelection; maxBytes?: number } | { ok: false; message: string };
  /** The language the configuration's `languages` patterns give this file, if any. */
  languageOf(absPath: string): LanguageId | undefined;
  /** Whether the configuration's `ignore` patterns exclude this file (the CLI skips it). */
  isIgnored(absPath: string): boolean;
  /** A config file changed on disk: forget what was read. */
  reload(): void;
}

export const NO_PROJECT_CONFIG: ProjectConfig = {
  forFile: () => ({ ok: true, selection: {} }),
  languageOf: () => undefined,
  isIgnored: () => false,
  reload: () => {},
};

/**
 * The project's config files, read by the same resolver as the CLI's (nearest file up the tree,
 * `root: true`, `extends`, `overrides`). `cwd` is what config error messages are relative to.
 * A bad config file is an error value for `forFile`; the other two then say nothing.
 */
export function configFiles(cwd: () => string): ProjectConfig {
  let resolver: ConfigResolver | undefined;
  const get = (): ConfigResolver => (resolver ??= new ConfigResolver({ cwd: cwd() }));
  const quiet = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ConfigLoadError) return fallback;
      throw e;
    }
  };
  return {
    forFile(absPath) {
      const r = get().forFile(absPath);
      if (!r.ok) return { ok: false, message: r.errors.map(formatConfigError).join("; ") };
      return { ok: true, selection: r.config.selection, ...(r.config.maxBytes !== undefined ? { maxBytes: r.config.maxBytes } : {}) };
    },
    languageOf: (absPath) => quiet(() => get().languageOf(absPath), undefined),
    isIgnored: (absPath) => quiet(() => get().isIgnored(absPath, false), false),
    reload() {
      resolver = undefined;
    },
  };
}

/** File names of the project configuration (watched: a change re-lints every open document). */
export const CONFIG_FILE_GLOBS: readonly string[] = CONFIG_FILE_NAMES.map((n) => `**/${n}`);

/** Whether a path is a config file (by name). */
export function isConfigFile(filePath: string): boolean {
  return CONFIG_FILE_NAMES.includes(path.basename(filePath));
}

export interface DocumentInput {
  uri: string;
  text: string;
  /** The client's languageId, if any. */
  languageId?: string;
}

export interface LintOutcome {
  /** The language linted as; undefined when deploylint does not lint this document. */
  language: LanguageId | undefined;
  findings: Finding[];
  notices: Notice[];
  /** Why the document was not linted (too big), for the log. */
  skipped?: string;
  /** 1 when a BOM was stripped before linting: add to every engine offset. */
  shift: number;
  /** Rule-selection problems (an unknown rule in settings or config), for the log. */
  problems: string[];
}

/**
 * The language of a document: the project configuration's `languages` patterns (as on the command
 * line, they win), then a languageId that names a deploylint language (the user or the editor
 * decided, e.g. `:set ft=dockerfile` on `build.docker`), then the file name and the text, as on
 * the command line (`detectLanguage`: extension, name, shebang; `refineLanguage`: a `.h` file
 * that uses C++ is C++).
 */
export function languageForDocument(filePath: string, text: string, languageId?: string, patterns?: LanguagePatterns): LanguageId | undefined {
  const trusted = patterns?.(filePath) ?? languageFromId(languageId);
  if (trusted) return trusted;
  const detected = detectLanguage(filePath, text.slice(0, 4096));
  return detected && refineLanguage(filePath, detected, text);
}

/**
 * The one place that decides which rules run on a document: the project's configuration for
 * the file (nearest config file, as the CLI), then the client's settings on top — `only`
 * replaces, `disable` adds, per-rule levels and options override.
 */
export function rulesForDocument(
  absPath: string | undefined,
  settings: Settings,
  config: ProjectConfig,
): { selection: RuleSelection; maxBytes: number; problems: string[]; configError?: string } {
  const problems: string[] = [];
  let base: RuleSelection = {};
  let configMax: number | undefined;
  let configError: string | undefined;
  if (settings.useConfigFiles && absPath !== undefined) {
    const r = config.forFile(absPath);
    if (r.ok) {
      base = r.selection;
      configMax = r.maxBytes;
    } else {
      configError = r.message;
    }
  }
  const client = settings.rules;
  const merged: RuleSelection = {
    only: client.only && client.only.length > 0 ? client.only : base.only,
    disable: [...(base.disable ?? []), ...(client.disable ?? [])],
    settings: mergeRuleSettings(base.settings, client.settings),
  };
  const maxBytes = settings.maxFileSize ?? configMax ?? DEFAULT_MAX_BYTES;
  return { selection: merged, maxBytes, problems, ...(configError !== undefined ? { configError } : {}) };
}

function mergeRuleSettings(a: RuleSelection["settings"], b: RuleSelection["settings"]): RuleSelection["settings"] {
  if (!a) return b;
  if (!b) return a;
  const out = { ...a };
  mergeRules(out, b);
  return out;
}

/** A selection with ids that do not exist taken out (reported once), so one typo does not stop linting. */
function validSelection(selection: RuleSelection): { selection: RuleSelection; unknown: string[] } {
  const r = selectRules(selection);
  if (r.ok) return { selection, unknown: [] };
  const bad = new Set(r.unknown);
  const settings = Object.fromEntries(Object.entries(selection.settings ?? {}).filter(([id]) => !bad.has(id)));
  return {
    selection: {
      only: selection.only?.filter((id) => !bad.has(id)),
      disable: selection.disable?.filter((id) => !bad.has(id)),
      settings,
    },
    unknown: r.unknown,
  };
}

export interface DocumentLinterOptions {
  config?: ProjectConfig;
  /** Workspace folders (absolute paths): display paths and project facts are relative to the one holding a document. */
  roots?: () => readonly string[];
  /** Open documents, so project facts use their unsaved text rather than the file on disk. */
  openDocuments?: () => Iterable<{ path: string; text: string }>;
}

/**
 * Lints documents. One Linter per distinct rule selection (each loads its grammars once), kept
 * until the settings or the configuration change. Lint calls run one at a time, in call order.
 */
export class DocumentLinter {
  private settings: Settings;
  private readonly config: ProjectConfig;
  private readonly roots: () => readonly string[];
  private readonly openDocuments: () => Iterable<{ path: string; text: string }>;
  private linters = new Map<string, Linter>();
  /** The path each document is linted under (the key of its kept parse trees). */
  private readonly displayPaths = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(settings: Settings, options: DocumentLinterOptions = {}) {
    this.settings = settings;
    this.config = options.config ?? NO_PROJECT_CONFIG;
    this.roots = options.roots ?? (() => []);
    this.openDocuments = options.openDocuments ?? (() => []);
  }

  get currentSettings(): Settings {
    return this.settings;
  }

  /** New settings or configuration: the next lint selects its rules afresh. */
  reset(settings: Settings = this.settings, reloadConfig = false): void {
    this.settings = settings;
    if (reloadConfig) this.config.reload();
    const old = [...this.linters.values()];
    this.linters = new Map();
    // After any lint already queued, which may still be using them.
    void this.enqueue(async () => {
      for (const l of old) l.dispose();
    });
  }

  dispose(): void {
    this.reset();
  }

  /** The document is closed: drop the parse trees kept for it. */
  forget(uri: string): void {
    const display = this.displayPaths.get(uri);
    this.displayPaths.delete(uri);
    if (display === undefined) return;
    void this.enqueue(async () => {
      for (const l of this.linters.values()) l.forget(display);
    });
  }

  /** Runs `fn` after every earlier queued call (lints share tree-sitter state). */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Lints a document's text. `stillWanted` is asked when the lint reaches the front of the queue:
   * false (the document changed or closed meanwhile) skips the work and resolves to undefined.
   */
  lint(input: DocumentInput, stillWanted: () => boolean = () => true): Promise<LintOutcome | undefined> {
    return this.enqueue(async () => (stillWanted() ? this.lintNow(input) : undefined));
  }

  /** Lints a text as the given document, for fix-all passes (same rules, same language). */
  lintText(input: DocumentInput): Promise<LintOutcome> {
    return this.enqueue(() => this.lintNow(input));
  }

  private async lintNow(input: DocumentInput): Promise<LintOutcome> {
    const { path: filePath, onDisk } = uriToPath(input.uri);
    const shift = input.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const text = shift ? input.text.slice(1) : input.text;
    const abs = onDisk ? path.resolve(filePath) : undefined;
    const config = this.settings.useConfigFiles && abs !== undefined ? this.config : NO_PROJECT_CONFIG;
    const language = languageForDocument(filePath, text, input.languageId, (p) => config.languageOf(path.resolve(p)));
    const empty: LintOutcome = { language, findings: [], notices: [], shift, problems: [] };
    if (!language) return empty;
    if (abs !== undefined && config.isIgnored(abs)) return { ...empty, skipped: "ignored by the project's configuration (ignore); not linted" };
    const { selection, maxBytes, problems, configError } = rulesForDocument(abs, this.settings, this.config);
    if (configError !== undefined) {
      // As the CLI, which stops on a bad config file: say why, lint nothing.
      return { ...empty, problems: [`configuration error: ${configError}`], skipped: "not linted: the configuration has errors" };
    }
    const size = text.length * 3 <= maxBytes ? text.length : Buffer.byteLength(text, "utf8");
    if (size > maxBytes) {
      return { ...empty, skipped: `file is ${formatSize(size)}, over the ${formatSize(maxBytes)} limit (maxFileSize); not linted` };
    }
    const valid = validSelection(selection);
    if (valid.unknown.length > 0) problems.push(`unknown rule${valid.unknown.length > 1 ? "s" : ""} ${valid.unknown.map((u) => `'${u}'`).join(", ")} ignored`);
    const linter = this.linterFor(valid.selection);
    // Paths relative to the workspace folder (or the file's directory), as the CLI run there reports them.
    const base = abs ? (this.rootOf(abs) ?? path.dirname(abs)) : undefined;
    const display = abs && base ? displayPath(base, abs) : filePath;
    this.displayPaths.set(input.uri, display);
    const project = language === "shell" && abs && base ? this.projectFactsFor(abs, base, maxBytes) : undefined;
    const res = await lintSafely(linter, display, text, language, project);
    // The engine keeps suppressed findings (marked) for SARIF; an editor shows only the others.
    return { language, findings: unsuppressed(res.findings), notices: res.notices, shift, problems };
  }

  private linterFor(selection: RuleSelection): Linter {
    const key = JSON.stringify(selection);
    let linter = this.linters.get(key);
    if (!linter) {
      const selected = selectRules(selection);
      // Incremental: each document's parse trees are kept and reparsed after an edit (see `forget`).
      linter = new Linter(
        selected.ok ? selected.rules : [],
        allRules().map((r) => r.id),
        { incremental: true },
      );
      this.linters.set(key, linter);
    }
    return linter;
  }

  /** The innermost workspace folder holding `abs`, if any. */
  private rootOf(abs: string): string | undefined {
    let best: string | undefined;
    for (const r of this.roots()) {
      const rel = path.relative(r, abs);
      if (!rel.startsWith("..") && !path.isAbsolute(rel) && (!best || r.length > best.length)) best = r;
    }
    return best;
  }

  /**
   * Which scripts Dockerfiles start as entrypoints (what `shell/entrypoint-without-exec` asks), from
   * the Dockerfiles beside the script and in the directories above it up to the workspace folder:
   * an open Dockerfile's text as in the editor, the others as saved on disk.
   */
  private projectFactsFor(abs: string, base: string, maxBytes: number): ProjectFacts {
    const open = new Map<string, string>();
    for (const d of this.openDocuments()) open.set(path.resolve(d.path), d.text);
    const dockerfiles: { path: string; text: string }[] = [];
    for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        // An unreadable directory contributes nothing.
      }
      for (const name of names) {
        if (languageFromName(name) !== "dockerfile") continue;
        const file = path.join(dir, name);
        let text = open.get(file);
        if (text === undefined) {
          const r = readSourceSync(file, file, { maxBytes });
          if (!r.ok) continue;
          text = r.text;
        }
        dockerfiles.push({ path: displayPath(base, file), text });
      }
      const rel = path.relative(base, dir);
      if (rel === "" || rel.startsWith("..") || path.dirname(dir) === dir) break;
    }
    return projectFacts(dockerfiles);
  }
}
