/**
 * The `sarif` format: SARIF 2.1.0 as GitHub code scanning ingests it (one run).
 *
 * - `tool.driver.rules[]` lists every rule passed in, sorted by id, generated from the same
 *   metadata as docs/rules (`help.markdown` is the rule's page, `helpUri` its URL); each result's
 *   `ruleIndex` points into it.
 * - Locations are repository-relative (`uriBaseId: "%SRCROOT%"`, resolved by
 *   `run.originalUriBaseIds`); a file outside the root gets an absolute `file:` URI instead.
 *   Regions are 1-based with an exclusive `endColumn`, columns in UTF-16 code units.
 * - `partialFingerprints.primaryLocationLineHash` is computed as github/codeql-action computes it
 *   (see src/engine/fingerprint.ts), so the upload action keeps ours without complaint.
 * - Notices become `invocations[0].toolExecutionNotifications`; an internal error makes
 *   `executionSuccessful` false. Suppressed findings carry `suppressions` (the CLI passes them
 *   only with `--sarif-include-suppressed`: GitHub ignores `suppressions` and would open alerts
 *   for them); fixes become `fixes`.
 * - Symlinks: with `RunResult.realPaths` (and a real `root`), URIs are made from real paths.
 *
 * The output validates against the OASIS schema (test/formatters.test.ts checks it).
 */
import { pathToFileURL } from "node:url";
import { renderRuleMarkdown } from "../docs/render.js";
import type { Example, RuleMeta } from "../engine/rule.js";
import type { Finding, Fix, Notice, Range, RunResult, Severity, Suppression } from "../engine/types.js";
import { ruleDocsUrl, type FormatOptions } from "./index.js";
import { rootRelative } from "./paths.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const SRCROOT = "%SRCROOT%";
const TOOL_NAME = "deploylint";
const DEFAULT_AUTOMATION_ID = "deploylint/";

// The subset of SARIF 2.1.0 that we write.

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

export interface SarifRegion {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  charOffset?: number;
  charLength?: number;
}

export interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region?: SarifRegion;
}

export interface SarifLocation {
  id?: number;
  physicalLocation: SarifPhysicalLocation;
  message?: SarifMessage;
}

export interface SarifReportingDescriptor {
  id: string;
  name?: string;
  shortDescription?: SarifMessage;
  fullDescription?: SarifMessage;
  help?: SarifMessage;
  helpUri?: string;
  defaultConfiguration?: { level: SarifLevel };
  properties?: { tags?: string[]; precision?: string };
}

export interface SarifDescriptorReference {
  id: string;
  index?: number;
}

export type SarifLevel = "error" | "warning" | "note";

export interface SarifReplacement {
  deletedRegion: SarifRegion;
  insertedContent?: { text: string };
}

export interface SarifFix {
  description: SarifMessage;
  artifactChanges: { artifactLocation: SarifArtifactLocation; replacements: SarifReplacement[] }[];
  properties: { applicability: Fix["applicability"] };
}

export interface SarifSuppression {
  kind: Suppression["kind"];
  justification?: string;
  location?: SarifLocation;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints?: Record<string, string>;
  fixes?: SarifFix[];
  suppressions?: SarifSuppression[];
}

export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
  descriptor: SarifDescriptorReference;
  associatedRule?: SarifDescriptorReference;
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      semanticVersion: string;
      version: string;
      informationUri: string;
      rules: SarifReportingDescriptor[];
      notifications: SarifReportingDescriptor[];
    };
  };
  automationDetails: { id: string };
  invocations: { executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }[];
  originalUriBaseIds: Record<string, SarifArtifactLocation>;
  columnKind: "utf16CodeUnits";
  results: SarifResult[];
}

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

export function formatSarif(result: RunResult, rules: readonly RuleMeta[], options: FormatOptions): string {
  return `${JSON.stringify(sarifLog(result, rules, options), null, 2)}\n`;
}

export function sarifLog(result: RunResult, rules: readonly RuleMeta[], options: FormatOptions): SarifLog {
  const sorted = sortRules(rules);
  const ruleIndex = new Map(sorted.map((r, i) => [r.id, i]));
  const run: SarifRun = {
    tool: {
      driver: {
        name: TOOL_NAME,
        semanticVersion: options.version,
        version: options.version,
        informationUri: options.informationUri,
        rules: sorted.map((r) => reportingDescriptor(r, options.docsBaseUrl)),
        notifications: NOTIFICATION_DESCRIPTORS.map((d) => ({ ...d })),
      },
    },
    automationDetails: { id: options.automationId ?? DEFAULT_AUTOMATION_ID },
    invocations: [
      {
        executionSuccessful: !result.notices.some((n) => n.kind === "internal-error"),
        toolExecutionNotifications: result.notices.map((n) => notification(n, result, ruleIndex)),
      },
    ],
    originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(result.root) } },
    columnKind: "utf16CodeUnits",
    results: result.findings.map((f) => sarifResult(f, result, ruleIndex)),
  };
  return { $schema: SARIF_SCHEMA, version: "2.1.0", runs: [run] };
}

/** Rules sorted by id, each id once (the first wins). */
function sortRules(rules: readonly RuleMeta[]): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const r of rules) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === "info" ? "note" : severity;
}

// ---------------------------------------------------------------------------------------------
// Rules

export function reportingDescriptor(rule: RuleMeta, docsBaseUrl: string): SarifReportingDescriptor {
  const family = ruleFamily(rule.id);
  const tags = [...new Set([...(rule.tags ?? []), family])];
  const properties: { tags: string[]; precision?: string } = { tags };
  if (rule.precision) properties.precision = rule.precision;
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: plainText(rule.docs.summary) },
    fullDescription: { text: plainText(firstParagraph(rule.docs.why)) },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    helpUri: ruleDocsUrl(docsBaseUrl, rule.id),
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties,
  };
}

function ruleFamily(id: string): string {
  const slash = id.indexOf("/");
  return slash === -1 ? id : id.slice(0, slash);
}

/** PascalCase of the kebab name: `c/misleading-indentation` → `MisleadingIndentation`. */
export function ruleName(id: string): string {
  const kebab = id.slice(id.indexOf("/") + 1);
  return kebab
    .split(/[-_]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

function paragraphs(markdown: string): string[] {
  return markdown
    .trim()
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function firstParagraph(markdown: string): string {
  return paragraphs(markdown)[0] ?? "";
}

/**
 * Markdown to plain text, for one paragraph: code spans keep their content verbatim (so
 * `__attribute__` survives), outside them links become their text and `**`/`__` emphasis is
 * unwrapped; line breaks become spaces.
 */
export function plainText(markdown: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of markdown.matchAll(/(`+)([\s\S]*?[^`])\1(?!`)/g)) {
    parts.push(unmark(markdown.slice(last, m.index)), (m[2] ?? "").replace(/^ ([\s\S]*) $/, "$1"));
    last = m.index + m[0].length;
  }
  parts.push(unmark(markdown.slice(last)));
  return parts.join("").replace(/\s*\n\s*/g, " ").trim();
}

function unmark(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\*\*(\S(?:[\s\S]*?\S)?)\*\*/g, "$1")
    .replace(/(^|[^\w])__(\S(?:[\s\S]*?\S)?)__(?![\w])/g, "$1$2")
    .replace(/`/g, "");
}

/**
 * The rule's documentation page (docs/rules/<id>.md, from src/docs/render.ts: one renderer for
 * the docs, `explain` and SARIF), without the generated-file comment and the `# <id>` title that
 * open it: GitHub shows the rule above the help.
 */
export function helpMarkdown(rule: RuleMeta): string {
  const lines = renderRuleMarkdown(rule).split("\n");
  let i = 0;
  const isPreamble = (line: string): boolean =>
    line.trim() === "" || /^<!--.*-->$/.test(line.trim()) || line.trim() === `# ${rule.id}`;
  while (i < lines.length && isPreamble(lines[i] ?? "")) i++;
  return lines.slice(i).join("\n");
}

/** The plain-text help: summary, why, the examples indented, notes and cross-references. */
function helpText(rule: RuleMeta): string {
  const parts = [plainText(rule.docs.summary), ...paragraphs(rule.docs.why).map(plainText)];
  const indent = (code: string): string =>
    code
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => (l.length > 0 ? `    ${l}` : ""))
      .join("\n");
  const examples = (title: string, list: readonly Example[]): void => {
    if (list.length === 0) return;
    parts.push(`${title}:`);
    for (const e of list) parts.push(typeof e === "string" ? indent(e) : `${e.file}:\n${indent(e.code)}`);
  };
  examples("Bad", rule.docs.bad);
  examples("Good", rule.docs.good);
  if (rule.docs.notes) parts.push(...paragraphs(rule.docs.notes).map(plainText));
  if (rule.docs.related && rule.docs.related.length > 0) {
    parts.push(`Related: ${rule.docs.related.map(plainText).join("; ")}.`);
  }
  return `${parts.join("\n\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Locations

/** `file:` URI of a directory, with the trailing slash that makes it a base for relative URIs. */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith("/") ? href : `${href}/`;
}

/**
 * Where a file (as named in a finding: relative to `cwd`) is, for SARIF: relative to the root
 * under `%SRCROOT%`, each segment percent-encoded; or an absolute `file:` URI when it is outside.
 * `real` is the file's absolute path with symlinks resolved, when the run knows it.
 */
export function artifactLocation(file: string, cwd: string, root: string, real?: string): SarifArtifactLocation {
  const { absolute, relative } = rootRelative(file, cwd, root, real);
  if (relative === undefined) return { uri: pathToFileURL(absolute).href };
  return { uri: relative.split("/").map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
}

function runArtifactLocation(run: RunResult, file: string): SarifArtifactLocation {
  return artifactLocation(file, run.cwd, run.root, run.realPaths?.get(file));
}

function region(range: Range): SarifRegion {
  return {
    startLine: range.start.line,
    startColumn: range.start.column,
    endLine: range.end.line,
    endColumn: range.end.column,
  };
}

// ---------------------------------------------------------------------------------------------
// Results

function sarifResult(
  finding: Finding,
  run: RunResult,
  ruleIndex: ReadonlyMap<string, number>,
): SarifResult {
  const artifact = runArtifactLocation(run, finding.file);
  const index = ruleIndex.get(finding.ruleId);
  const out: SarifResult = {
    ruleId: finding.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: sarifLevel(finding.severity),
    message: { text: finding.message },
    locations: [{ physicalLocation: { artifactLocation: artifact, region: region(finding.range) } }],
  };
  if (finding.related.length > 0) {
    out.relatedLocations = finding.related.map((r, i) => ({
      id: i + 1,
      physicalLocation: { artifactLocation: { ...artifact }, region: region(r.range) },
      message: { text: r.message },
    }));
  }
  const hash = run.sources.get(finding.file)?.hashes.get(finding.range.start.line);
  if (hash !== undefined) out.partialFingerprints = { primaryLocationLineHash: hash };
  if (finding.fix && finding.fix.edits.length > 0) out.fixes = [sarifFix(finding.fix, artifact)];
  if (finding.suppressed) out.suppressions = [sarifSuppression(finding.suppressed, artifact)];
  return out;
}

function sarifFix(fix: Fix, artifact: SarifArtifactLocation): SarifFix {
  return {
    description: { text: fix.title },
    artifactChanges: [
      {
        artifactLocation: { ...artifact },
        replacements: fix.edits.map((e) => {
          const replacement: SarifReplacement = { deletedRegion: { charOffset: e.start, charLength: e.end - e.start } };
          if (e.text !== "") replacement.insertedContent = { text: e.text };
          return replacement;
        }),
      },
    ],
    properties: { applicability: fix.applicability },
  };
}

function sarifSuppression(s: Suppression, artifact: SarifArtifactLocation): SarifSuppression {
  const out: SarifSuppression = { kind: s.kind };
  if (s.justification !== undefined) out.justification = s.justification;
  out.location = { physicalLocation: { artifactLocation: { ...artifact }, region: { startLine: s.line } } };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Notices

/** The notices a run can produce, as `tool.driver.notifications` (what `descriptor` points to). */
const NOTIFICATION_DESCRIPTORS: readonly SarifReportingDescriptor[] = [
  { id: "internal-error", shortDescription: { text: "A rule failed on a file; its other rules still ran." } },
  { id: "parse-error", shortDescription: { text: "A file could not be parsed, so it was not (fully) linted." } },
  { id: "skipped", shortDescription: { text: "A file was not linted (for example a binary file, or one that is not UTF-8)." } },
  { id: "unreadable", shortDescription: { text: "A file could not be read." } },
];

const NOTICE_LEVEL: Readonly<Record<Notice["kind"], SarifLevel>> = {
  "internal-error": "error",
  unreadable: "error",
  "parse-error": "warning",
  skipped: "warning",
};

function notification(n: Notice, run: RunResult, ruleIndex: ReadonlyMap<string, number>): SarifNotification {
  const out: SarifNotification = {
    level: NOTICE_LEVEL[n.kind],
    message: { text: n.message },
    descriptor: descriptorReference(n.kind, NOTIFICATION_DESCRIPTORS.findIndex((d) => d.id === n.kind)),
  };
  if (n.file !== "") out.locations = [{ physicalLocation: { artifactLocation: runArtifactLocation(run, n.file) } }];
  if (n.ruleId !== undefined) out.associatedRule = descriptorReference(n.ruleId, ruleIndex.get(n.ruleId));
  return out;
}

function descriptorReference(id: string, index: number | undefined): SarifDescriptorReference {
  return index === undefined || index < 0 ? { id } : { id, index };
}
