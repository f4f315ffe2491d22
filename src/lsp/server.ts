/**
 * The language server: open documents → the engine → diagnostics and code actions. It knows no
 * rule; it only moves the engine's findings and fixes across the protocol (see DESIGN.md).
 *
 * Diagnostics are pushed (`textDocument/publishDiagnostics`, with the document version) unless the
 * client can pull them (LSP 3.17 `textDocument/diagnostic`). Lint results are tagged with the
 * document version and a settings generation: a result that is no longer current is dropped, never
 * published over a newer one.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver/node";
import { UNUSED_SUPPRESSION } from "../engine/lint.js";
import type { Edit, Finding } from "../engine/types.js";
import { fixText } from "../engine/autofix.js";
import { disableFileEdit, disableLineEdit, textDiffEdits } from "./actions.js";
import { rangesTouch, toDiagnostic, toTextEdit, uriToPath } from "./convert.js";
import { CONFIG_FILE_GLOBS, configFiles, DocumentLinter, isConfigFile, type LintOutcome, type ProjectConfig } from "./linting.js";
import { DEFAULT_SETTINGS, parseSettings, settingsSection, type Settings } from "./settings.js";

/** The kind of the fix-all source action (editors run it on save with `source.fixAll`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.deploylint`;

export interface ServerOptions {
  /** The project's configuration; defaults to the config files, read as the CLI reads them. */
  config?: ProjectConfig;
}

/** A lint result and the state of the document it belongs to. */
interface Result {
  version: number;
  generation: number;
  outcome: LintOutcome;
  diagnostics: Diagnostic[];
}

interface DocState {
  /** Distinguishes two openings of one URI (versions restart). */
  serial: number;
  /** The last version whose change was handled (didOpen also fires a content change). */
  seenVersion: number;
  timer?: NodeJS.Timeout;
  result?: Result;
  inflight?: { version: number; generation: number; promise: Promise<Result | undefined> };
  published?: { version: number; generation: number };
  /** What was last logged for this document, so a persistent problem is logged once, not per keystroke. */
  logged?: string;
}

function packageVersion(): string {
  for (let d = path.dirname(fileURLToPath(import.meta.url)); ; d = path.dirname(d)) {
    const pkg = path.join(d, "package.json");
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
      } catch {
        return "0.0.0";
      }
    }
    if (path.dirname(d) === d) return "0.0.0";
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** Whether an action of kind `kind` was asked for by `only` (absent: every kind). */
function wanted(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => k === "" || kind === k || kind.startsWith(`${k}.`));
}

/** Wires the server's handlers on a connection (not yet listening). */
export function createServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocState>();
  let serial = 0;
  let generation = 0;
  let pullMode = false;
  let capabilities: ClientCapabilities = {};
  let roots: string[] = [];
  let initSettings: Settings = DEFAULT_SETTINGS;
  const shownProblems = new Set<string>();

  const linter = new DocumentLinter(DEFAULT_SETTINGS, {
    config: options.config ?? configFiles(() => roots[0] ?? process.cwd()),
    roots: () => roots,
    openDocuments: function* () {
      for (const d of documents.all()) {
        const p = uriToPath(d.uri);
        if (p.onDisk) yield { path: p.path, text: d.getText() };
      }
    },
  });

  const log = {
    info: (m: string) => connection.console.info(`deploylint: ${m}`),
    warn: (m: string) => connection.console.warn(`deploylint: ${m}`),
    error: (m: string) => connection.console.error(`deploylint: ${m}`),
  };

  /** A settings or configuration problem: logged and shown to the user, once until the next settings or config change. */
  const problem = (m: string): void => {
    if (shownProblems.has(m)) return;
    shownProblems.add(m);
    log.warn(m);
    // A notification, not window/showMessageRequest: nothing waits for the user to dismiss it.
    connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `deploylint: ${m}` }).catch(() => undefined);
  };

  const isCurrent = (uri: string, version: number, gen: number): boolean =>
    documents.get(uri)?.version === version && gen === generation && states.has(uri);

  /** Logs what the engine could not do for a document, once per distinct set of messages. */
  const report = (uri: string, state: DocState, outcome: LintOutcome): void => {
    const lines = [
      ...(outcome.skipped ? [outcome.skipped] : []),
      ...outcome.notices.map((n) => `${n.kind}: ${n.message}`),
    ];
    for (const p of outcome.problems) problem(p);
    const key = lines.join("\n");
    if (key === (state.logged ?? "")) return;
    state.logged = key;
    for (const l of lines) (outcome.skipped ? log.info : log.warn)(`${uri}: ${l}`);
  };

  /** The lint result for the document's current text and settings (cached; concurrent callers share one lint). */
  const lintDocument = (uri: string): Promise<Result | undefined> => {
    const doc = documents.get(uri);
    const state = states.get(uri);
    if (!doc || !state) return Promise.resolve(undefined);
    const version = doc.version;
    const gen = generation;
    if (state.result && state.result.version === version && state.result.generation === gen) return Promise.resolve(state.result);
    if (state.inflight && state.inflight.version === version && state.inflight.generation === gen) return state.inflight.promise;
    const settings = linter.currentSettings;
    const promise = linter
      .lint({ uri, text: doc.getText(), languageId: doc.languageId }, () => isCurrent(uri, version, gen))
      .then((outcome): Result | undefined => {
        if (!outcome || !isCurrent(uri, version, gen)) return undefined;
        const diagnostics = outcome.findings.map((f) => toDiagnostic(doc, f, { docsBaseUrl: settings.docsBaseUrl, shift: outcome.shift }));
        const result: Result = { version, generation: gen, outcome, diagnostics };
        state.result = result;
        report(uri, state, outcome);
        return result;
      })
      .catch((e: unknown): undefined => {
        log.error(`${uri}: lint failed: ${errorText(e)}`);
        return undefined;
      })
      .finally(() => {
        if (state.inflight?.promise === promise) state.inflight = undefined;
      });
    state.inflight = { version, generation: gen, promise };
    return promise;
  };

  /** Push mode: lints now and publishes, unless the result is stale by then. Never throws. */
  const publish = async (uri: string): Promise<void> => {
    const state = states.get(uri);
    if (!state || pullMode) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    try {
      const r = await lintDocument(uri);
      if (!r || !isCurrent(uri, r.version, r.generation)) return;
      const p = state.published;
      if (p && p.version === r.version && p.generation === r.generation) return;
      // A document deploylint does not lint gets no diagnostics, not even an empty list.
      if (!r.outcome.language && !p) return;
      state.published = { version: r.version, generation: r.generation };
      await connection.sendDiagnostics({ uri, version: r.version, diagnostics: r.diagnostics });
    } catch (e) {
      log.error(`${uri}: could not publish diagnostics: ${errorText(e)}`);
    }
  };

  const schedule = (uri: string): void => {
    const state = states.get(uri);
    if (!state || pullMode) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => void publish(uri), linter.currentSettings.debounceMs);
  };

  /** Settings or configuration changed: every open document is linted afresh. */
  const relintAll = (): void => {
    generation++;
    shownProblems.clear();
    if (pullMode) {
      if (states.size > 0 && capabilities.workspace?.diagnostics?.refreshSupport) {
        connection.languages.diagnostics.refresh().catch((e: unknown) => log.warn(`diagnostic refresh failed: ${errorText(e)}`));
      }
      return;
    }
    for (const uri of states.keys()) void publish(uri);
  };

  const applySettings = (raw: unknown, base: Settings): void => {
    const section = settingsSection(raw);
    if (!section) return;
    const { settings, problems } = parseSettings(section, base);
    for (const p of problems) problem(`settings: ${p}`);
    linter.reset(settings);
  };

  /** Asks the client for the "deploylint" section (workspace/configuration), over the initialization options. */
  const pullSettings = async (): Promise<void> => {
    if (!capabilities.workspace?.configuration) return;
    try {
      const section: unknown = await connection.workspace.getConfiguration("deploylint");
      if (section !== null && typeof section === "object") applySettings({ deploylint: section }, initSettings);
    } catch (e) {
      log.warn(`could not read the client's settings: ${errorText(e)}`);
    }
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    const init = settingsSection(params.initializationOptions);
    const mode = init?.diagnosticMode;
    pullMode = mode === "pull" || (mode !== "push" && capabilities.textDocument?.diagnostic !== undefined);
    if (init) {
      const { settings, problems } = parseSettings(init, DEFAULT_SETTINGS);
      initSettings = settings;
      linter.reset(settings);
      for (const p of problems) log.warn(`initializationOptions: ${p}`);
    }
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: "" }] : []);
    roots = folders.map((f) => uriToPath(f.uri)).filter((p) => p.onDisk).map((p) => p.path);
    const result: InitializeResult = {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: "deploylint", version: packageVersion() },
    };
    if (pullMode) {
      result.capabilities.diagnosticProvider = { identifier: "deploylint", interFileDependencies: false, workspaceDiagnostics: false };
    }
    return result;
  });

  connection.onInitialized(() => {
    const ws = capabilities.workspace;
    if (ws?.didChangeWatchedFiles?.dynamicRegistration) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: CONFIG_FILE_GLOBS.map((globPattern) => ({ globPattern })) })
        .catch((e: unknown) => log.warn(`could not watch config files: ${errorText(e)}`));
    }
    if (ws?.didChangeConfiguration?.dynamicRegistration) {
      connection.client
        .register(DidChangeConfigurationNotification.type, { section: "deploylint" })
        .catch((e: unknown) => log.warn(`could not register for configuration changes: ${errorText(e)}`));
    }
    if (ws?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri).path));
        roots = [...roots.filter((r) => !removed.has(r)), ...e.added.map((f) => uriToPath(f.uri)).filter((p) => p.onDisk).map((p) => p.path)];
        linter.reset();
        relintAll();
      });
    }
    void pullSettings().then(() => relintAll());
  });

  connection.onDidChangeConfiguration((params) => {
    try {
      if (settingsSection(params.settings)) {
        applySettings(params.settings, initSettings);
        relintAll();
      } else {
        // VS Code-style clients send no payload: ask for the section.
        void pullSettings().then(() => relintAll());
      }
    } catch (e) {
      log.error(`configuration change failed: ${errorText(e)}`);
    }
  });

  connection.onDidChangeWatchedFiles((params) => {
    const configChanged = params.changes.some((c) => isConfigFile(uriToPath(c.uri).path));
    if (!configChanged) return;
    log.info("configuration file changed: re-linting open documents");
    linter.reset(linter.currentSettings, true);
    relintAll();
  });

  documents.onDidOpen((e) => {
    const uri = e.document.uri;
    const old = states.get(uri);
    if (old?.timer) clearTimeout(old.timer);
    states.set(uri, { serial: ++serial, seenVersion: e.document.version });
    void publish(uri);
  });

  documents.onDidChangeContent((e) => {
    const state = states.get(e.document.uri);
    if (!state || state.seenVersion === e.document.version) return;
    state.seenVersion = e.document.version;
    schedule(e.document.uri);
  });

  documents.onDidSave((e) => void publish(e.document.uri));

  documents.onDidClose((e) => {
    const uri = e.document.uri;
    const state = states.get(uri);
    if (state?.timer) clearTimeout(state.timer);
    states.delete(uri);
    linter.forget(uri);
    if (!pullMode && state?.published) {
      connection.sendDiagnostics({ uri, diagnostics: [] }).catch((err: unknown) => log.warn(`${uri}: ${errorText(err)}`));
    }
  });

  connection.languages.diagnostics.on(async (params: DocumentDiagnosticParams): Promise<DocumentDiagnosticReport> => {
    const uri = params.textDocument.uri;
    // The text may change while we lint: try again on the newer text, a few times.
    for (let attempt = 0; attempt < 5; attempt++) {
      const state = states.get(uri);
      if (!documents.get(uri) || !state) break;
      const r = await lintDocument(uri);
      if (!r) continue;
      const resultId = `${state.serial}.${r.generation}.${r.version}`;
      if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: r.diagnostics };
    }
    if (!documents.get(uri)) log.warn(`diagnostics asked for a document that is not open: ${uri}`);
    return { kind: DocumentDiagnosticReportKind.Full, items: [] };
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    if (!doc) {
      log.warn(`code actions asked for a document that is not open: ${uri}`);
      return [];
    }
    try {
      const r = await lintDocument(uri);
      if (!r || !r.outcome.language || documents.get(uri)?.version !== r.version) return [];
      return await codeActions(doc, r, params);
    } catch (e) {
      log.error(`${uri}: code actions failed: ${errorText(e)}`);
      return [];
    }
  });

  /** A WorkspaceEdit on one document, versioned when the client accepts that. */
  const workspaceEdit = (doc: TextDocument, edits: TextEdit[]): WorkspaceEdit =>
    capabilities.workspace?.workspaceEdit?.documentChanges
      ? { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits }] }
      : { changes: { [doc.uri]: edits } };

  const codeActions = async (doc: TextDocument, r: Result, params: CodeActionParams): Promise<CodeAction[]> => {
    const { outcome } = r;
    const language = outcome.language;
    if (!language) return [];
    const shift = outcome.shift;
    const text = shift ? doc.getText().slice(shift) : doc.getText();
    const only = params.context.only;
    const edit = (edits: readonly Edit[]) => workspaceEdit(doc, edits.map((e) => toTextEdit(doc, e, shift)));
    const inRange: { finding: Finding; diagnostic: Diagnostic }[] = [];
    outcome.findings.forEach((finding, i) => {
      const diagnostic = r.diagnostics[i];
      if (diagnostic && rangesTouch(diagnostic.range, params.range)) inRange.push({ finding, diagnostic });
    });
    const actions: CodeAction[] = [];
    if (wanted(only, CodeActionKind.QuickFix)) {
      for (const { finding, diagnostic } of inRange) {
        if (!finding.fix || finding.fix.edits.length === 0) continue;
        actions.push({
          title: finding.fix.applicability === "unsafe" ? `${finding.fix.title} (unsafe: check the result)` : finding.fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: finding.fix.applicability === "safe",
          edit: edit(finding.fix.edits),
        });
      }
      const seen = new Set<string>();
      const disables: CodeAction[] = [];
      for (const { finding, diagnostic } of inRange) {
        if (finding.ruleId === UNUSED_SUPPRESSION) continue;
        const line = disableLineEdit(text, language, finding);
        const lineKey = `line:${finding.ruleId}:${line.start}`;
        if (!seen.has(lineKey)) {
          seen.add(lineKey);
          actions.push({
            title: `Disable ${finding.ruleId} for this line`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: edit([line]),
          });
        }
        const fileKey = `file:${finding.ruleId}`;
        if (!seen.has(fileKey)) {
          seen.add(fileKey);
          disables.push({
            title: `Disable ${finding.ruleId} for this file`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: edit([disableFileEdit(text, language, finding.ruleId)]),
          });
        }
      }
      actions.push(...disables);
    }
    const fixable = (fs: readonly Finding[]) => fs.some((f) => f.fix?.applicability === "safe" && f.fix.edits.length > 0);
    // Asked for explicitly (format/fix on save), or offered beside a fixable finding under the cursor.
    const fixAllWanted = only ? only.some((k) => k !== "" && FIX_ALL_KIND.startsWith(k) && (k === FIX_ALL_KIND || FIX_ALL_KIND[k.length] === ".")) : fixable(inRange.map((x) => x.finding));
    if (fixAllWanted && fixable(outcome.findings)) {
      const input = { uri: doc.uri, languageId: doc.languageId };
      // The engine's fix loop (as `--fix`): safe fixes, re-lint, repeat while a pass changes the text.
      const fixed = await fixText(text, (t) => linter.lintText({ ...input, text: t }), "safe", {
        first: { findings: outcome.findings, notices: outcome.notices },
      });
      if (documents.get(doc.uri)?.version !== doc.version) return [];
      const edits = textDiffEdits(text, fixed.text);
      if (edits.length > 0) {
        actions.push({ title: "Fix all auto-fixable deploylint problems", kind: FIX_ALL_KIND, edit: edit(edits) });
      }
    }
    return actions;
  };

  connection.onShutdown(() => {
    for (const s of states.values()) if (s.timer) clearTimeout(s.timer);
    linter.dispose();
  });

  documents.listen(connection);
}
