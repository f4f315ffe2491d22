/**
 * The configuration side of the CLI: the resolver for a lint request, `deploylint init`,
 * `--print-config FILE`, and config errors as output lines (exit status 2).
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CONFIG_FILE_NAMES,
  ConfigLoadError,
  ConfigResolver,
  formatConfigError,
  starterConfig,
  STARTER_FILE_NAME,
  type ConfigError,
} from "../config/index.js";
import { detectLanguage } from "../engine/detect.js";
import { readHead } from "../engine/read.js";
import { allRules, selectRules } from "../engine/registry.js";
import type { RunConfig } from "../engine/run.js";
import type { LintRequest } from "./args.js";

interface Out {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** The resolver for one run: `--config` or the search, with `--rule`/`--disable`/`--max-file-size` on top. */
export function resolverFor(req: LintRequest, cwd: string): ConfigResolver {
  return new ConfigResolver({
    cwd,
    ...(req.configFile !== undefined ? { configFile: req.configFile } : {}),
    cli: { only: req.only, disable: req.disable, ...(req.maxBytes !== undefined ? { maxBytes: req.maxBytes } : {}) },
  });
}

/** The resolver as the engine's per-file hooks; they throw `ConfigLoadError` on a bad config. */
export function runConfig(resolver: ConfigResolver): RunConfig {
  return {
    forFile(absPath) {
      const r = resolver.forFile(absPath);
      if (!r.ok) throw new ConfigLoadError(r.errors);
      return r.config;
    },
    isIgnored: (absPath, isDirectory) => resolver.isIgnored(absPath, isDirectory),
    languageOf: (absPath) => resolver.languageOf(absPath),
  };
}

/** One line per error on standard error; returns exit status 2. */
export function reportConfigErrors(io: Out, errors: readonly ConfigError[]): number {
  for (const e of errors) io.stderr(`deploylint: ${formatConfigError(e)}\n`);
  return 2;
}

/**
 * `--print-config FILE`: the configuration that applies to FILE, as JSON: the config files
 * (furthest first, each followed by what it extends), the language, whether config `ignore`
 * excludes it, the size limit and every rule's effective level and options.
 */
export async function printConfig(io: Out, resolver: ConfigResolver, cwd: string, file: string, defaultMaxBytes: number): Promise<number> {
  const abs = path.resolve(cwd, file);
  const cfg = resolver.forFile(abs);
  if (!cfg.ok) return reportConfigErrors(io, cfg.errors);
  const files = resolver.configFilesFor(abs);
  if (!files.ok) return reportConfigErrors(io, files.errors);
  const selected = selectRules(cfg.config.selection);
  if (!selected.ok) throw new Error(`unknown rules: ${selected.unknown.join(", ")}`);
  const enabled = new Map(selected.rules.map((r) => [r.rule.id, r]));
  const rules: Record<string, unknown> = {};
  for (const rule of allRules()) {
    const e = enabled.get(rule.id);
    rules[rule.id] = e === undefined ? "off" : Object.keys(e.options).length > 0 ? [e.severity, e.options] : e.severity;
  }
  const language = resolver.languageOf(abs) ?? detectLanguage(abs, existsSync(abs) ? await readHead(abs) : undefined);
  const out = {
    file: resolver.display(abs),
    configFiles: files.config,
    language: language ?? null,
    ignoredByConfig: resolver.isIgnored(abs, false),
    maxFileSize: cfg.config.maxBytes ?? defaultMaxBytes,
    rules,
  };
  io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

/** `deploylint init`: writes a starter `.deploylint.yaml` in `cwd`, never over an existing config. */
export function runInit(io: Out, cwd: string): number {
  const existing = CONFIG_FILE_NAMES.find((n) => existsSync(path.join(cwd, n)));
  if (existing !== undefined) {
    const why = existing === STARTER_FILE_NAME ? "" : ` (a directory holds one config file)`;
    io.stderr(`deploylint: ${existing} already exists; not overwriting it${why}\n`);
    return 2;
  }
  try {
    writeFileSync(path.join(cwd, STARTER_FILE_NAME), starterConfig(allRules()), { flag: "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.stderr(`deploylint: cannot write ${STARTER_FILE_NAME}: ${code === "EEXIST" ? "it already exists" : code === "EACCES" ? "permission denied" : e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  io.stdout(`Wrote ${STARTER_FILE_NAME}: every rule is listed with its default level and options, commented out.\n`);
  return 0;
}
