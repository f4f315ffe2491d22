/**
 * Pure conversions between the engine's vocabulary and the protocol's: findings → diagnostics,
 * host-offset edits → text edits, URIs → paths, client language ids → ours. No I/O, no state.
 */
import { fileURLToPath } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type Range as LspRange,
  type TextEdit,
} from "vscode-languageserver/node";
import { UNUSED_SUPPRESSION } from "../engine/lint.js";
import type { Edit, Finding, LanguageId, Severity } from "../engine/types.js";
import { ruleDocsUrl } from "../formatters/index.js";

export const SOURCE = "deploylint";

/**
 * A client's `languageId` → deploylint's language. Covers the ids of VS Code (`shellscript`,
 * `makefile`), Neovim/Vim filetypes (`sh`, `make`, `systemd`, `upstart`), Helix (`bash`) and
 * Emacs/eglot (`c++`, `makefile-gmake`, `dockerfile-ts`…). Anything else is left to the file name.
 */
const LANGUAGE_IDS: Readonly<Record<string, LanguageId>> = {
  c: "c",
  cpp: "cpp",
  "c++": "cpp",
  shellscript: "shell",
  sh: "shell",
  bash: "shell",
  dash: "shell",
  ksh: "shell",
  dockerfile: "dockerfile",
  containerfile: "dockerfile",
  makefile: "make",
  make: "make",
  "makefile-gmake": "make",
  "makefile-bsdmake": "make",
  systemd: "systemd",
  "systemd-unit-file": "systemd",
  upstart: "upstart",
};

/** The language a client's `languageId` names, if deploylint lints it. */
export function languageFromId(languageId: string | undefined): LanguageId | undefined {
  if (!languageId) return undefined;
  const id = languageId.toLowerCase().replace(/-ts$/, "");
  return Object.hasOwn(LANGUAGE_IDS, id) ? LANGUAGE_IDS[id] : undefined;
}

/**
 * The file-system path of a `file:` URI; for other schemes (`untitled:Dockerfile`), the path part,
 * which still carries a file name for language detection. Never throws.
 */
export function uriToPath(uri: string): { path: string; onDisk: boolean } {
  if (uri.startsWith("file:")) {
    try {
      return { path: fileURLToPath(uri), onDisk: true };
    } catch {
      // A malformed file URI: fall through to the generic form.
    }
  }
  const rest = uri.replace(/^[a-z][a-z0-9+.-]*:(\/\/[^/]*)?/i, "");
  let decoded = rest;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    // Keep the raw text.
  }
  return { path: decoded || uri, onDisk: false };
}

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/**
 * An engine range (host offsets into the linted text) → an LSP range. Offsets go through the
 * document's own line index, so LSP's line breaks (`\n`, `\r\n` and a lone `\r`) are honoured;
 * columns stay UTF-16 code units, as both sides count them. `shift` is added to every offset (1
 * when a BOM was stripped before linting).
 */
export function toLspRange(doc: TextDocument, start: number, end: number, shift = 0): LspRange {
  return { start: doc.positionAt(start + shift), end: doc.positionAt(end + shift) };
}

export function toTextEdit(doc: TextDocument, e: Edit, shift = 0): TextEdit {
  return { range: toLspRange(doc, e.start, e.end, shift), newText: e.text };
}

export interface DiagnosticOptions {
  docsBaseUrl: string;
  /** Offset shift (see toLspRange). */
  shift?: number;
}

/** One finding as a diagnostic: `code` = rule id, docs link, related locations in the same document. */
export function toDiagnostic(doc: TextDocument, f: Finding, options: DiagnosticOptions): Diagnostic {
  const shift = options.shift ?? 0;
  const d: Diagnostic = {
    range: toLspRange(doc, f.range.start.offset, f.range.end.offset, shift),
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.ruleId,
    codeDescription: { href: ruleDocsUrl(options.docsBaseUrl, f.ruleId) },
    message: f.message,
  };
  if (f.related.length > 0) {
    d.relatedInformation = f.related.map((r) => ({
      location: { uri: doc.uri, range: toLspRange(doc, r.range.start.offset, r.range.end.offset, shift) },
      message: r.message,
    }));
  }
  if (f.ruleId === UNUSED_SUPPRESSION) d.tags = [DiagnosticTag.Unnecessary];
  return d;
}

/** Whether two LSP ranges share a position (touching counts: a cursor at a range's end is on it). */
export function rangesTouch(a: LspRange, b: LspRange): boolean {
  return !(before(a.end, b.start) || before(b.end, a.start));
}

function before(p: LspRange["start"], q: LspRange["start"]): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}

