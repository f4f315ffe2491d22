/**
 * The output formats. Each formatter is a pure function of the run's result and the rule
 * metadata: `(result, rules, options) → string`. None of them knows a rule, does I/O or decides
 * colour (the CLI does, from NO_COLOR, FORCE_COLOR, --color/--no-color and the TTY).
 */
import { NO_SOURCE, type SourceNeeds } from "../engine/excerpt.js";
import type { RuleMeta } from "../engine/rule.js";
import type { RunResult } from "../engine/types.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

export const FORMATS = ["text", "json", "sarif", "github"] as const;
export type FormatName = (typeof FORMATS)[number];
export const DEFAULT_FORMAT: FormatName = "text";

/**
 * The format when none is asked for: `github` (workflow-command annotations) inside GitHub
 * Actions, which sets `GITHUB_ACTIONS=true` for every step; `text` everywhere else.
 */
export function defaultFormat(env: Readonly<Record<string, string | undefined>>): FormatName {
  return env.GITHUB_ACTIONS === "true" ? "github" : DEFAULT_FORMAT;
}

/** The project's home page: SARIF `tool.driver.informationUri`. */
export const INFORMATION_URI = "https://github.com/deploylint/deploylint";
/** Where rule pages live: a rule's page is `${base}${id}.md` (docs/rules/<family>/<name>.md). */
export const DEFAULT_DOCS_BASE_URL = "https://github.com/deploylint/deploylint/blob/main/docs/rules/";

export interface FormatOptions {
  /** ANSI colour in the text format. The other formats ignore it. */
  color: boolean;
  /** deploylint's version: SARIF `tool.driver.version` and `semanticVersion`. */
  version: string;
  /** SARIF `runAutomationDetails.id` (default `"deploylint/"`), e.g. to tell apart several runs on one commit. */
  automationId?: string;
  /** SARIF `tool.driver.informationUri`. */
  informationUri: string;
  /** Base URL of the rule pages (see DEFAULT_DOCS_BASE_URL). */
  docsBaseUrl: string;
}

export type Formatter = (result: RunResult, rules: readonly RuleMeta[], options: FormatOptions) => string;

const FORMATTERS: Readonly<Record<FormatName, Formatter>> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};

export function isFormatName(name: string): name is FormatName {
  return (FORMATS as readonly string[]).includes(name);
}

/**
 * What a report in this format needs of the source of files with findings: code frames show
 * each finding's first line, SARIF fingerprints that line; JSON, GitHub annotations and the
 * `--statistics` table need nothing.
 */
export function sourceNeeds(name: FormatName, statistics = false): SourceNeeds {
  if (statistics) return NO_SOURCE;
  return name === "text" ? { lines: true, hashes: false } : name === "sarif" ? { lines: false, hashes: true } : NO_SOURCE;
}

export function format(name: FormatName, result: RunResult, rules: readonly RuleMeta[], options: FormatOptions): string {
  return FORMATTERS[name](result, rules, options);
}

/** The URL of a rule's documentation page. */
export function ruleDocsUrl(docsBaseUrl: string, ruleId: string): string {
  const base = docsBaseUrl.endsWith("/") ? docsBaseUrl : `${docsBaseUrl}/`;
  return `${base}${ruleId}.md`;
}

export { formatGithub, formatJson, formatSarif, formatText };
export { hashLines } from "../engine/fingerprint.js";
