/**
 * Which configuration applies to a file: the cascade of config files from its directory up, each
 * with its `extends` inlined, folded into one rule selection per file.
 *
 * - Config files are `.deploylint.yaml`, `.deploylint.yml` and `deploylint.config.json` (two in one
 *   directory are an error). For a file, every config in its directory and the directories above
 *   applies; the search stops at a config with `root: true`, and after the repository root (the
 *   nearest directory holding `.git`), so nothing above a checkout changes its results. Further
 *   configs are applied first, nearer ones over them.
 * - `--config FILE` replaces the search: that file alone (with what it extends) applies to every
 *   file, and its globs are relative to the working directory (as ESLint and Ruff do).
 * - `extends` inlines other files before this one's own settings (paths relative to the file that
 *   names them; a cycle is an error). Globs in an extended file are relative to the directory of
 *   the config that was found, not to the extended file: a shared preset's `vendor/` means the
 *   project's `vendor/`.
 * - Within one config the order is: what it extends, its `rules`, its `overrides` in order. A rule
 *   entry sets the level; its options are merged key by key over those set before.
 * - Everything is read once per run and memoised per directory; results are values
 *   (`{ ok: false, errors }`), except in the discovery hooks (`isIgnored`, `languageOf`), which
 *   throw `ConfigLoadError`.
 */
import { readFileSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import ignore from "ignore";
import { rebasePattern } from "../engine/discovery.js";
import { ioErrorPhrase } from "../engine/read.js";
import { allRules, rulesKey, selectRules, type RuleSelection } from "../engine/registry.js";
import type { OptionValues, Rule } from "../engine/rule.js";
import type { LanguageId, Level } from "../engine/types.js";
import { ConfigLoadError, type ConfigError, type Result } from "./errors.js";
import { compileGlobs, type PathTest } from "./glob.js";
import { formatOf, parseConfigText } from "./parse.js";
import { ConfigValidator, type ConfigData, type RulesData } from "./schema.js";
import { parseSize } from "./size.js";

/** The names a config file may have, in the order they are looked for. */
export const CONFIG_FILE_NAMES: readonly string[] = [".deploylint.yaml", ".deploylint.yml", "deploylint.config.json"];

export interface ResolverOptions {
  /** The working directory: display paths and `--config`'s globs are relative to it. */
  cwd: string;
  /** `--config FILE` (relative to cwd): only this file applies, no search. */
  configFile?: string;
  /** Command-line choices, which win over config: `--rule`, `--disable`, `--max-file-size`. */
  cli?: { only?: readonly string[]; disable?: readonly string[]; maxBytes?: number };
  /** The rules config may name (default: the registry). */
  rules?: readonly Rule[];
}

/** One rule's settings from config: a level, options, or both. */
export interface RuleSetting {
  level?: Level;
  options?: OptionValues;
}
export type RuleSettings = Record<string, RuleSetting>;

/** The effective configuration of one file: serialisable, so worker threads can rebuild it. */
export interface FileConfig {
  /** A stable hash of the effective settings: equal keys lint alike (one Linter per key). */
  key: string;
  /** `--rule`/`--disable` from the command line, levels and options from config. */
  selection: RuleSelection;
  /** From `maxFileSize` (or `--max-file-size`, which wins); undefined: the default. */
  maxBytes?: number;
}

export type Resolved<T> = { ok: true; config: T } | { ok: false; errors: ConfigError[] };

/** A config file with its `extends` inlined; globs not yet tied to a directory. */
interface Flat {
  /** This file, then the files it extends (depth first). */
  files: string[];
  root: boolean;
  /** Rule blocks in increasing precedence; `files` absent: every file. */
  blocks: { files?: string[]; rules: RuleSettings }[];
  /** gitignore lines, in order (later lines win). */
  ignore: string[];
  /** In increasing precedence. */
  languages: { language: LanguageId; pattern: string }[];
  maxBytes?: number;
}

/** A config as it applies under one directory (`baseDir`: what its globs are relative to). */
interface Layer {
  files: string[];
  baseDir: string;
  root: boolean;
  blocks: { test?: PathTest; rules: RuleSettings }[];
  ignore: string[];
  /** Highest precedence first. */
  languages: { language: LanguageId; test: PathTest }[];
  maxBytes?: number;
  /** Whether some block applies to some files only (else every file of a directory shares one config). */
  fileSpecific: boolean;
}

const IGNORE_CASE = process.platform === "darwin" || process.platform === "win32";

export class ConfigResolver {
  private readonly cwd: string;
  private readonly configFile: string | undefined;
  private readonly only: readonly string[];
  private readonly disable: readonly string[];
  private readonly cliMaxBytes: number | undefined;
  private readonly rules: readonly Rule[];
  private validatorInstance: ConfigValidator | undefined;
  private readonly flats = new Map<string, Result<Flat>>();
  private readonly chains = new Map<string, Result<Layer[]>>();
  private readonly ignores = new Map<string, { top: string; ig: ignore.Ignore } | undefined>();
  private readonly byKey = new Map<string, FileConfig>();
  /** By the settings as folded (cheap to compute), before hashing what they do. */
  private readonly bySettings = new Map<string, FileConfig>();
  private readonly byDir = new Map<string, FileConfig>();
  private cliLayer: Result<Layer[]> | undefined;

  constructor(options: ResolverOptions) {
    this.cwd = path.resolve(options.cwd);
    this.configFile = options.configFile === undefined ? undefined : path.resolve(this.cwd, options.configFile);
    this.only = options.cli?.only ?? [];
    this.disable = options.cli?.disable ?? [];
    this.cliMaxBytes = options.cli?.maxBytes;
    this.rules = options.rules ?? allRules();
  }

  /**
   * Loads and validates the configs that apply at these paths (files or directories, absolute or
   * relative to cwd), and `--config`: the errors a run should stop on before it starts.
   */
  check(paths: readonly string[]): ConfigError[] {
    const errors: ConfigError[] = [];
    const seen = new Set<string>();
    for (const p of paths.length === 0 ? ["."] : paths) {
      const abs = path.resolve(this.cwd, p);
      let dir = abs;
      try {
        if (!statSync(abs).isDirectory()) dir = path.dirname(abs);
      } catch {
        dir = path.dirname(abs); // a missing path is the caller's error to report
      }
      const chain = this.chainFor(dir);
      if (!chain.ok) {
        for (const e of chain.errors) {
          const k = JSON.stringify(e);
          if (!seen.has(k)) errors.push(e);
          seen.add(k);
        }
      }
    }
    return errors;
  }

  /** The effective configuration of the file at `absPath`. */
  forFile(absPath: string): Resolved<FileConfig> {
    const abs = path.resolve(this.cwd, absPath);
    const dir = path.dirname(abs);
    const known = this.byDir.get(dir);
    if (known) return { ok: true, config: known };
    const chain = this.chainFor(dir);
    if (!chain.ok) return chain;
    const settings: RuleSettings = {};
    let maxBytes: number | undefined;
    for (const layer of chain.value) {
      const rel = relPosix(layer.baseDir, abs);
      for (const block of layer.blocks) {
        if (block.test === undefined || block.test(rel)) mergeRules(settings, block.rules);
      }
      if (layer.maxBytes !== undefined) maxBytes = layer.maxBytes;
    }
    const config = this.intern(settings, this.cliMaxBytes ?? maxBytes);
    if (!chain.value.some((l) => l.fileSpecific)) this.byDir.set(dir, config);
    return { ok: true, config };
  }

  /** The config files that apply to a file, furthest first (each followed by what it extends). */
  configFilesFor(absPath: string): Resolved<string[]> {
    const chain = this.chainFor(path.dirname(path.resolve(this.cwd, absPath)));
    if (!chain.ok) return chain;
    return { ok: true, config: chain.value.flatMap((l) => l.files.map((f) => this.display(f))) };
  }

  /**
   * The language config's `languages` patterns give a file, if any (nearest config first; within
   * one, its own patterns before those it extends). Throws `ConfigLoadError`.
   */
  languageOf(absPath: string): LanguageId | undefined {
    const abs = path.resolve(this.cwd, absPath);
    const chain = this.chainOrThrow(path.dirname(abs));
    for (let i = chain.length - 1; i >= 0; i--) {
      const layer = chain[i] as Layer;
      if (layer.languages.length === 0) continue;
      const rel = relPosix(layer.baseDir, abs);
      for (const l of layer.languages) if (l.test(rel)) return l.language;
    }
    return undefined;
  }

  /**
   * Whether config `ignore` patterns exclude this path (gitignore semantics, each config's lines
   * relative to its directory; nearer configs' lines come later and win). Throws `ConfigLoadError`.
   */
  isIgnored(absPath: string, isDirectory: boolean): boolean {
    const abs = path.resolve(this.cwd, absPath);
    const dir = path.dirname(abs);
    const m = this.ignoreFor(dir);
    if (m === undefined) return false;
    const rel = relPosix(m.top, abs);
    if (rel === "" || rel === ".." || rel.startsWith("../") || path.isAbsolute(rel)) return false;
    return m.ig.ignores(isDirectory ? `${rel}/` : rel);
  }

  private ignoreFor(dir: string): { top: string; ig: ignore.Ignore } | undefined {
    if (this.ignores.has(dir)) return this.ignores.get(dir);
    const chain = this.chainOrThrow(dir);
    let made: { top: string; ig: ignore.Ignore } | undefined;
    const top = chain[0]?.baseDir;
    if (top !== undefined) {
      const patterns: string[] = [];
      for (const layer of chain) {
        const at = relPosix(top, layer.baseDir);
        for (const line of layer.ignore) {
          const p = rebasePattern(line, at);
          if (p !== undefined) patterns.push(p);
        }
      }
      if (patterns.length > 0) made = { top, ig: ignore({ ignorecase: IGNORE_CASE }).add(patterns) };
    }
    this.ignores.set(dir, made);
    return made;
  }

  private chainOrThrow(dir: string): Layer[] {
    const chain = this.chainFor(dir);
    if (!chain.ok) throw new ConfigLoadError(chain.errors);
    return chain.value;
  }

  /** The layers that apply in `dir`, furthest first. */
  private chainFor(dir: string): Result<Layer[]> {
    if (this.configFile !== undefined) {
      this.cliLayer ??= this.cliChain(this.configFile);
      return this.cliLayer;
    }
    const known = this.chains.get(dir);
    if (known) return known;
    const result = this.searchChain(dir);
    this.chains.set(dir, result);
    return result;
  }

  private cliChain(file: string): Result<Layer[]> {
    const flat = this.loadFlat(file, [], undefined);
    return flat.ok ? { ok: true, value: [toLayer(flat.value, this.cwd)] } : flat;
  }

  private searchChain(dir: string): Result<Layer[]> {
    const found = this.configIn(dir);
    if (!found.ok) return found;
    let layer: Layer | undefined;
    if (found.value !== undefined) {
      const flat = this.loadFlat(found.value, [], undefined);
      if (!flat.ok) return flat;
      layer = toLayer(flat.value, dir);
    }
    const parent = path.dirname(dir);
    const stop = layer?.root === true || parent === dir || existsSync(path.join(dir, ".git"));
    if (stop) return { ok: true, value: layer ? [layer] : [] };
    const above = this.chainFor(parent);
    if (!above.ok) return above;
    return { ok: true, value: layer ? [...above.value, layer] : above.value };
  }

  /** The config file in `dir`, if any; two are an error. */
  private configIn(dir: string): Result<string | undefined> {
    const present = CONFIG_FILE_NAMES.map((n) => path.join(dir, n)).filter(isFile);
    if (present.length > 1) {
      const names = present.map((p) => path.basename(p)).join(", ");
      return {
        ok: false,
        errors: [{ file: this.display(present[0] as string), message: `more than one config file in one directory (${names}): keep one` }],
      };
    }
    return { ok: true, value: present[0] };
  }

  private get validator(): ConfigValidator {
    this.validatorInstance ??= new ConfigValidator(this.rules);
    return this.validatorInstance;
  }

  /**
   * One config file with its `extends` inlined. `stack`: the files extending it (for cycles);
   * `via`: the key that named it, which read errors are reported at.
   */
  private loadFlat(abs: string, stack: readonly string[], via: { file: string; path: string; ref: string } | undefined): Result<Flat> {
    const known = this.flats.get(abs);
    if (known) return known;
    const at = (message: string): Result<Flat> =>
      via
        ? { ok: false, errors: [{ file: this.display(via.file), path: via.path, message: `${via.ref}: ${message}` }] }
        : { ok: false, errors: [{ file: this.display(abs), message }] };
    const format = formatOf(abs);
    if (format === undefined) return at("a config file's name must end in .json, .yaml or .yml");
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch (e) {
      return at(`cannot read: ${ioErrorPhrase(e)}`);
    }
    const result = this.buildFlat(abs, text, format, stack);
    this.flats.set(abs, result);
    return result;
  }

  private buildFlat(abs: string, text: string, format: "json" | "yaml", stack: readonly string[]): Result<Flat> {
    const file = this.display(abs);
    const parsed = parseConfigText(text, format);
    if (!parsed.ok) return { ok: false, errors: [{ file, line: parsed.line, column: parsed.column, message: parsed.message }] };
    const checked = this.validator.validate(parsed.value);
    if (!checked.ok) return { ok: false, errors: checked.problems.map((p) => ({ file, path: p.path, message: p.message })) };
    const data: ConfigData = checked.value;
    let maxBytes: number | undefined;
    if (data.maxFileSize !== undefined) {
      maxBytes = typeof data.maxFileSize === "number" ? data.maxFileSize : parseSize(data.maxFileSize);
      if (maxBytes === undefined) {
        return { ok: false, errors: [{ file, path: "maxFileSize", message: "must be a size like 500K or 5M, or a number of bytes ≥ 1" }] };
      }
    }
    const flat: Flat = { files: [abs], root: data.root === true, blocks: [], ignore: [], languages: [] };
    const bases = data.extends === undefined ? [] : typeof data.extends === "string" ? [data.extends] : data.extends;
    const errors: ConfigError[] = [];
    bases.forEach((ref, i) => {
      const keyPath = typeof data.extends === "string" ? "extends" : `extends[${i}]`;
      const target = path.resolve(path.dirname(abs), ref);
      const chain = [...stack, abs];
      if (chain.includes(target)) {
        const cycle = [...chain.slice(chain.indexOf(target)), target].map((f) => this.display(f)).join(" → ");
        errors.push({ file, path: keyPath, message: `cycle: ${cycle}` });
        return;
      }
      const base = this.loadFlat(target, chain, { file: abs, path: keyPath, ref });
      if (!base.ok) {
        errors.push(...base.errors);
        return;
      }
      flat.files.push(...base.value.files.filter((f) => !flat.files.includes(f)));
      flat.blocks.push(...base.value.blocks);
      flat.ignore.push(...base.value.ignore);
      flat.languages.push(...base.value.languages);
      if (base.value.maxBytes !== undefined) flat.maxBytes = base.value.maxBytes;
    });
    if (errors.length > 0) return { ok: false, errors };
    flat.blocks.push({ rules: toSettings(data.rules) });
    for (const o of data.overrides ?? []) {
      flat.blocks.push({ files: typeof o.files === "string" ? [o.files] : o.files, rules: toSettings(o.rules) });
    }
    flat.ignore.push(...(data.ignore ?? []));
    for (const [language, patterns] of Object.entries(data.languages ?? {}) as [LanguageId, string[]][]) {
      for (const pattern of patterns) flat.languages.push({ language, pattern });
    }
    if (maxBytes !== undefined) flat.maxBytes = maxBytes;
    return { ok: true, value: flat };
  }

  /** One FileConfig object per distinct effective configuration. */
  private intern(settings: RuleSettings, maxBytes: number | undefined): FileConfig {
    const raw = JSON.stringify([settings, maxBytes ?? null]);
    const seen = this.bySettings.get(raw);
    if (seen) return seen;
    const selection: RuleSelection = {
      ...(this.only.length > 0 ? { only: [...this.only] } : {}),
      ...(this.disable.length > 0 ? { disable: [...this.disable] } : {}),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
    };
    const key = configKey(selection, maxBytes, this.rules);
    const config = this.byKey.get(key) ?? { key, selection, ...(maxBytes !== undefined ? { maxBytes } : {}) };
    this.byKey.set(key, config);
    this.bySettings.set(raw, config);
    return config;
  }

  /** A path for messages: relative to cwd (with `../` when above it), with `/`. */
  display(abs: string): string {
    const rel = path.relative(this.cwd, abs);
    if (rel === "") return ".";
    if (path.isAbsolute(rel)) return abs.split(path.sep).join("/");
    return rel.split(path.sep).join("/");
  }
}

/**
 * A stable key for what a selection does: the enabled rules with their severity and every option
 * (defaults included), and the size limit, as JSON. Two spellings of the same settings share a
 * key. (Not hashed: loading `node:crypto` for it cost every run ~10 ms of start-up.)
 */
export function configKey(selection: RuleSelection, maxBytes: number | undefined, rules: readonly Rule[] = allRules()): string {
  const selected = selectRules(selection, rules);
  const effective = selected.ok ? rulesKey(selected.rules) : { unknown: selected.unknown };
  return JSON.stringify({ rules: effective, maxBytes: maxBytes ?? null });
}

export function toSettings(rules: RulesData | null | undefined): RuleSettings {
  const out: RuleSettings = {};
  for (const [id, entry] of Object.entries(rules ?? {})) {
    if (typeof entry === "string") out[id] = { level: entry };
    else out[id] = { level: entry[0], ...(entry[1] !== undefined ? { options: entry[1] } : {}) };
  }
  return out;
}

/** Applies `block` over `acc`: levels replace, options merge key by key. */
export function mergeRules(acc: RuleSettings, block: RuleSettings): void {
  for (const [id, s] of Object.entries(block)) {
    const prev = acc[id];
    const level = s.level ?? prev?.level;
    const options = s.options || prev?.options ? { ...prev?.options, ...s.options } : undefined;
    acc[id] = { ...(level !== undefined ? { level } : {}), ...(options !== undefined ? { options } : {}) };
  }
}

function toLayer(flat: Flat, baseDir: string): Layer {
  const blocks = flat.blocks.map((b) => (b.files === undefined ? { rules: b.rules } : { test: compileGlobs(b.files), rules: b.rules }));
  return {
    files: flat.files,
    baseDir,
    root: flat.root,
    blocks,
    ignore: flat.ignore,
    languages: [...flat.languages].reverse().map((l) => ({ language: l.language, test: compileGlobs([l.pattern]) })),
    ...(flat.maxBytes !== undefined ? { maxBytes: flat.maxBytes } : {}),
    fileSpecific: blocks.some((b) => b.test !== undefined),
  };
}

/** Whether `p` is a file. Most directories hold no config file: a missing one is answered without an exception (~15 µs each). */
function isFile(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

function relPosix(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join("/");
}
