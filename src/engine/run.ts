/**
 * A whole run over paths on disk: discovery → read → lint → one RunResult. This is the engine's
 * I/O boundary; `Linter.lint` below it works on strings only.
 */
import path from "node:path";
import { confirmLanguage, detectLanguage } from "./detect.js";
import { discover } from "./discovery.js";
import { compareFindings, Linter, type EnabledRule } from "./lint.js";
import { readSource } from "./read.js";
import type { Finding, LanguageId, Notice, RunResult } from "./types.js";

export interface RunOptions {
  cwd: string;
  root: string;
  rules: readonly EnabledRule[];
  knownRuleIds: Iterable<string>;
  maxBytes: number;
}

export interface RunOutcome {
  result: RunResult;
  /** Command-line paths that do not exist. */
  missing: { path: string; message: string }[];
}

export async function lintPaths(paths: readonly string[], options: RunOptions): Promise<RunOutcome> {
  const linter = new Linter(options.rules, options.knownRuleIds);
  const findings: Finding[] = [];
  const notices: Notice[] = [];
  const sources = new Map<string, string>();
  const missing: RunOutcome["missing"] = [];
  let filesLinted = 0;
  try {
    for await (const ev of discover([...paths], { cwd: options.cwd })) {
      if (ev.kind === "notice") {
        notices.push(ev.notice);
        continue;
      }
      if (ev.kind === "missing") {
        missing.push({ path: ev.path, message: ev.message });
        continue;
      }
      const read = await readSource(ev.absPath, ev.path, { maxBytes: options.maxBytes });
      if (!read.ok) {
        notices.push(read.notice);
        continue;
      }
      if (!confirmLanguage(ev.language, read.text)) continue;
      const res = await lintOne(linter, ev.path, read.text, ev.language);
      filesLinted++;
      notices.push(...res.notices);
      if (res.findings.length > 0) {
        findings.push(...res.findings);
        sources.set(ev.path, read.text);
      }
    }
  } finally {
    linter.dispose();
  }
  findings.sort(compareFindings);
  return {
    result: { findings, notices, filesLinted, cwd: options.cwd, root: options.root, sources },
    missing,
  };
}

/** Lints one in-memory text (the `--stdin` path and the LSP server). */
export async function lintText(
  linter: Linter,
  file: string,
  text: string,
): Promise<{ language: LanguageId | undefined; findings: Finding[]; notices: Notice[] }> {
  const language = detectLanguage(file, text);
  if (!language) return { language, findings: [], notices: [] };
  return { language, ...(await lintOne(linter, file, text, language)) };
}

async function lintOne(linter: Linter, file: string, text: string, language: LanguageId) {
  try {
    return await linter.lint({ path: file, text, language });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const notice: Notice = { file, kind: "internal-error", message: `internal error: ${message}` };
    return { findings: [] as Finding[], notices: [notice] };
  }
}

/** The display form of a path: relative to cwd with forward slashes when inside it. */
export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return abs.split(path.sep).join("/");
  return rel.split(path.sep).join("/");
}
