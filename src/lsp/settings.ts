/**
 * The server's settings: from `initializationOptions`, then `workspace/didChangeConfiguration`
 * (or the client's answer to `workspace/configuration`, section "deploylint"). Untrusted input:
 * every field is checked, a bad one is reported and ignored, never thrown.
 */
import { ConfigValidator } from "../config/index.js";
import { toSettings } from "../config/resolver.js";
import type { RulesData } from "../config/schema.js";
import { allRules, type RuleSelection } from "../engine/registry.js";
import { DEFAULT_DOCS_BASE_URL } from "../formatters/index.js";

export const DEFAULT_DEBOUNCE_MS = 200;

export interface Settings {
  /** Rule selection layered over the project's configuration (see `rulesForDocument`). */
  rules: RuleSelection;
  /** Delay between the last change of a document and its re-lint (push mode). */
  debounceMs: number;
  /** Documents larger than this (UTF-8 bytes) are not linted; undefined: the config's `maxFileSize`, else 5 MB. */
  maxFileSize: number | undefined;
  /** Base URL of the rule pages linked from each diagnostic. */
  docsBaseUrl: string;
  /** Whether to use the project's config files at all (default true). */
  useConfigFiles: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  rules: {},
  debounceMs: DEFAULT_DEBOUNCE_MS,
  maxFileSize: undefined,
  docsBaseUrl: DEFAULT_DOCS_BASE_URL,
  useConfigFiles: true,
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stringList(v: unknown): string[] | undefined {
  if (typeof v === "string") return v.split(",").map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.map((s) => s.trim()).filter(Boolean);
  return undefined;
}

/**
 * The `deploylint` section of a settings object: `{deploylint: {...}}` or the section itself
 * (clients differ in what they send as initializationOptions and didChangeConfiguration).
 */
export function settingsSection(raw: unknown): Record<string, unknown> | undefined {
  if (!isRecord(raw)) return undefined;
  if (isRecord(raw.deploylint)) return raw.deploylint;
  const keys = ["rules", "disable", "only", "debounceMs", "maxFileSize", "docsBaseUrl", "useConfigFiles", "diagnosticMode"];
  return keys.some((k) => k in raw) ? raw : undefined;
}

/**
 * Parses a section over `base`: fields present replace those of `base`. Accepted shapes:
 *   rules: ["id", …]                        only these rules (like --rule)
 *   rules: {"id": "off"|"info"|"warning"|"error" | [level, {options}]}   per-rule levels, as in the config
 *                                           file and validated as there (a bad entry is reported and left out)
 *   only: ["id", …]  disable: ["id", …]     like --rule / --disable
 *   debounceMs: number ≥ 0, maxFileSize: bytes > 0, docsBaseUrl: string, useConfigFiles: boolean
 */
export function parseSettings(section: Record<string, unknown>, base: Settings): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const s: Settings = { ...base, rules: { ...base.rules } };
  const { rules, only, disable, debounceMs, maxFileSize, docsBaseUrl, useConfigFiles } = section;
  if (rules !== undefined) {
    const list = stringList(rules);
    if (list) {
      s.rules.only = list;
    } else if (isRecord(rules)) {
      // The config file's own validation (levels, each rule's option types and bounds, unknown
      // ids), entry by entry so that one bad entry does not drop the others; then its reading.
      const validator = new ConfigValidator(allRules());
      const valid = Object.entries(rules).filter(([id, v]) => {
        const checked = validator.validate({ rules: { [id]: v } });
        if (!checked.ok) for (const p of checked.problems) problems.push(`${p.path}: ${p.message}`);
        return checked.ok;
      });
      s.rules.settings = toSettings(Object.fromEntries(valid) as RulesData);
    } else {
      problems.push("rules: expected a list of rule ids or an object of rule levels");
    }
  }
  if (only !== undefined) {
    const list = stringList(only);
    if (list) s.rules.only = list;
    else problems.push("only: expected a list of rule ids");
  }
  if (disable !== undefined) {
    const list = stringList(disable);
    if (list) s.rules.disable = list;
    else problems.push("disable: expected a list of rule ids");
  }
  if (debounceMs !== undefined) {
    if (typeof debounceMs === "number" && Number.isFinite(debounceMs) && debounceMs >= 0) s.debounceMs = Math.min(debounceMs, 60_000);
    else problems.push("debounceMs: expected a number of milliseconds ≥ 0");
  }
  if (maxFileSize !== undefined) {
    if (typeof maxFileSize === "number" && Number.isFinite(maxFileSize) && maxFileSize > 0) s.maxFileSize = maxFileSize;
    else problems.push("maxFileSize: expected a number of bytes > 0");
  }
  if (docsBaseUrl !== undefined) {
    if (typeof docsBaseUrl === "string" && docsBaseUrl !== "") s.docsBaseUrl = docsBaseUrl;
    else problems.push("docsBaseUrl: expected a URL");
  }
  if (useConfigFiles !== undefined) {
    if (typeof useConfigFiles === "boolean") s.useConfigFiles = useConfigFiles;
    else problems.push("useConfigFiles: expected true or false");
  }
  return { settings: s, problems };
}
