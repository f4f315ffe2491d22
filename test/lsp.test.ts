/**
 * The language server over its real transport: the built server (`dist/bundle/deploylint-lsp.js --stdio`,
 * and `deploylint lsp --stdio`) driven by a scripted client. Build first (`npm test` does).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CodeAction, Diagnostic, DocumentDiagnosticReport, TextEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { findRule } from "../src/engine/registry.js";
import { CLI_BIN, pathToUri, TestClient } from "./lsp-client.js";
import { GOTO_FAIL } from "./support/cli.js";

const GOTO_FIXED = GOTO_FAIL.replace("\t\tgoto fail;\n\t\tgoto fail;", "\t\tgoto fail;\n\tgoto fail;");

const DOCKERFILE = 'FROM debian:12\nRUN echo "héllo 😀" && docker run myorg/tool:1.0 migrate\n';
const DEPLOY_SH = "#!/bin/sh\ndocker run a/b:1 x\ndocker run c/d:1 y\nif true; then\n  docker run e/f:1 z\nfi\n";

/** The LSP severity of a rule's default level (rules' defaults may change; the mapping must not). */
function severityOf(ruleId: string): number {
  const level = findRule(ruleId)?.severity;
  return level === "error" ? 1 : level === "warning" ? 2 : 3;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "deploylint-lsp-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const uriOf = (name: string) => pathToUri(path.join(dir, name));

/** Applies the edits a WorkspaceEdit makes to one document. */
function applyEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
  let edits: TextEdit[] = edit?.changes?.[uri] ?? [];
  for (const dc of edit?.documentChanges ?? []) {
    if ("textDocument" in dc && dc.textDocument.uri === uri) edits = edits.concat(dc.edits as TextEdit[]);
  }
  return TextDocument.applyEdits(TextDocument.create(uri, "", 0, text), edits);
}

function codeActions(client: TestClient, uri: string, range: Diagnostic["range"], only?: string[]): Promise<CodeAction[]> {
  return client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range,
    context: { diagnostics: [], ...(only ? { only } : {}) },
  });
}

describe("language server (push diagnostics)", () => {
  let client: TestClient;
  let init: Awaited<ReturnType<typeof TestClient.start>>["init"];

  beforeAll(async () => {
    ({ client, init } = await TestClient.start({
      rootDir: dir,
      initializationOptions: { debounceMs: 50 },
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
      },
    }));
  });
  afterAll(async () => {
    await client?.stop();
  });

  it("initializes: incremental sync, save, code action kinds, no pull provider for a push client", () => {
    expect(init.serverInfo?.name).toBe("deploylint");
    expect(init.capabilities.textDocumentSync).toMatchObject({ openClose: true, change: 2, save: { includeText: false } });
    expect(init.capabilities.codeActionProvider).toEqual({ codeActionKinds: ["quickfix", "source.fixAll.deploylint"] });
    expect(init.capabilities.diagnosticProvider).toBeUndefined();
  });

  it("watches the project's config files", async () => {
    const reg = await client.until(() => client.registrations.find((r) => r.method === "workspace/didChangeWatchedFiles"), "watcher registration");
    expect(JSON.stringify(reg.registerOptions)).toContain("deploylint.config.json");
  });

  it("publishes the goto-fail finding on open: 0-based range of the second goto, version, docs link, related guard", async () => {
    const uri = uriOf("open.c");
    const n = client.published.length;
    await client.open(uri, GOTO_FAIL, "c");
    const p = await client.diagnosticsFor(uri, n);
    expect(p.version).toBe(1);
    expect(p.diagnostics).toHaveLength(1);
    const d = p.diagnostics[0] as Diagnostic;
    expect(d.range).toEqual({ start: { line: 3, character: 2 }, end: { line: 3, character: 12 } });
    expect(d.source).toBe("deploylint");
    expect(d.code).toBe("c/misleading-indentation");
    expect(d.severity).toBe(severityOf("c/misleading-indentation"));
    expect(d.codeDescription?.href).toMatch(/docs\/rules\/c\/misleading-indentation\.md$/);
    expect(d.relatedInformation).toEqual([
      { location: { uri, range: { start: { line: 1, character: 1 }, end: { line: 1, character: 3 } } }, message: expect.stringContaining("if") },
    ]);
  });

  it("re-lints on change (fixing the indentation clears the diagnostic) and clears on close", async () => {
    const uri = uriOf("change.c");
    let n = client.published.length;
    await client.open(uri, GOTO_FAIL, "c");
    expect((await client.diagnosticsFor(uri, n)).diagnostics).toHaveLength(1);
    n = client.published.length;
    await client.change(uri, 2, GOTO_FIXED);
    const p = await client.diagnosticsFor(uri, n);
    expect(p).toEqual({ uri, version: 2, diagnostics: [] });
    await client.change(uri, 3, GOTO_FAIL);
    expect((await client.diagnosticsFor(uri, n, (q) => q.version === 3)).diagnostics).toHaveLength(1);
    n = client.published.length;
    await client.close(uri);
    const closed = await client.diagnosticsFor(uri, n);
    expect(closed.diagnostics).toEqual([]);
  });

  it("debounces a burst of edits: versions only go up, and the last one is published", async () => {
    const uri = uriOf("burst.c");
    let n = client.published.length;
    await client.open(uri, GOTO_FAIL, "c");
    await client.diagnosticsFor(uri, n);
    n = client.published.length;
    // All written at once, as fast typing would (each change replaces the text).
    const burst: Promise<void>[] = [];
    for (let v = 2; v <= 30; v++) burst.push(client.change(uri, v, v % 2 === 0 ? GOTO_FIXED : GOTO_FAIL));
    await Promise.all(burst);
    const last = await client.diagnosticsFor(uri, n, (p) => p.version === 30);
    expect(last.diagnostics).toHaveLength(0);
    const versions = client.published.slice(n).filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions.length).toBeLessThanOrEqual(5);
    await client.close(uri);
  });

  it("re-lints on save", async () => {
    const uri = uriOf("save.c");
    let n = client.published.length;
    await client.open(uri, GOTO_FAIL, "c");
    await client.diagnosticsFor(uri, n);
    // A change with a long debounce is published at once when the file is saved.
    await client.conn.sendNotification("workspace/didChangeConfiguration", { settings: { deploylint: { debounceMs: 5000 } } });
    await client.until(() => client.published.slice(n + 1).find((p) => p.uri === uri), "re-publication after the settings change");
    n = client.published.length;
    await client.change(uri, 2, GOTO_FIXED);
    await new Promise((r) => setTimeout(r, 300));
    // Only version 2 counts: on a loaded machine, a re-lint of version 1 started by the settings
    // change may still be published after the one waited for above.
    expect(client.published.slice(n).filter((p) => p.uri === uri && p.version === 2)).toEqual([]);
    await client.conn.sendNotification("textDocument/didSave", { textDocument: { uri } });
    expect(await client.diagnosticsFor(uri, n, (p) => p.version === 2)).toEqual({ uri, version: 2, diagnostics: [] });
    await client.conn.sendNotification("workspace/didChangeConfiguration", { settings: { deploylint: { debounceMs: 50 } } });
    await client.close(uri);
  });

  it("counts columns in UTF-16 code units on a line with non-ASCII text", async () => {
    const uri = uriOf("Dockerfile");
    const n = client.published.length;
    await client.open(uri, DOCKERFILE, "dockerfile");
    const p = await client.diagnosticsFor(uri, n);
    const d = p.diagnostics.find((x) => x.code === "docker/run-missing-rm");
    const line = DOCKERFILE.split("\n")[1] as string;
    const at = line.indexOf("docker run");
    expect(at).toBe(23); // é is one code unit, 😀 two
    expect(d?.range).toEqual({ start: { line: 1, character: at }, end: { line: 1, character: at + "docker run".length } });
    await client.close(uri);
  });

  it("offers the fix, disable-for-line and disable-for-file as quick fixes, as versioned edits", async () => {
    const uri = uriOf("actions/Dockerfile");
    const n = client.published.length;
    await client.open(uri, DOCKERFILE, "dockerfile");
    const d = (await client.diagnosticsFor(uri, n)).diagnostics.find((x) => x.code === "docker/run-missing-rm") as Diagnostic;
    const actions = await codeActions(client, uri, d.range);
    const byTitle = new Map(actions.map((a) => [a.title, a]));
    expect([...byTitle.keys()]).toEqual(
      expect.arrayContaining(["Add --rm", "Disable docker/run-missing-rm for this line", "Disable docker/run-missing-rm for this file"]),
    );
    for (const a of actions) expect(["quickfix", "source.fixAll.deploylint"]).toContain(a.kind);
    const fix = byTitle.get("Add --rm") as CodeAction;
    expect(fix.isPreferred).toBe(true);
    expect(fix.diagnostics?.[0]?.code).toBe("docker/run-missing-rm");
    expect(fix.edit?.documentChanges?.[0]).toMatchObject({ textDocument: { uri, version: 1 } });
    expect(applyEdit(DOCKERFILE, uri, fix.edit)).toBe(DOCKERFILE.replace("docker run", "docker run --rm"));
    expect(applyEdit(DOCKERFILE, uri, byTitle.get("Disable docker/run-missing-rm for this line")?.edit)).toBe(
      'FROM debian:12\n# deploylint-disable-next-line docker/run-missing-rm\nRUN echo "héllo 😀" && docker run myorg/tool:1.0 migrate\n',
    );
    expect(applyEdit(DOCKERFILE, uri, byTitle.get("Disable docker/run-missing-rm for this file")?.edit)).toBe(
      `# deploylint-disable-file docker/run-missing-rm\n${DOCKERFILE}`,
    );
    // Nothing is offered away from the finding.
    expect(await codeActions(client, uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } })).toEqual([]);
    await client.close(uri);
  });

  it("keeps a CRLF file's line endings in quick fixes", async () => {
    const uri = uriOf("crlf.service");
    const text = "[Unit]\r\nDescription=web\r\n\r\n[Service]\r\nExecStart=/usr/bin/docker run --rm myorg/web:1.4\r\n";
    const n = client.published.length;
    await client.open(uri, text, "systemd");
    const d = (await client.diagnosticsFor(uri, n)).diagnostics.find((x) => x.code === "unit/missing-docker-dependency") as Diagnostic;
    const fix = (await codeActions(client, uri, d.range)).find((a) => a.isPreferred && a.diagnostics?.[0]?.code === "unit/missing-docker-dependency");
    const fixed = applyEdit(text, uri, fix?.edit);
    expect(fixed).toContain("Requires=docker.service\r\n");
    expect(fixed.replaceAll("\r\n", "")).not.toContain("\n");
    await client.close(uri);
  });

  it("disables the goto-fail finding for its line with a // comment the engine honours", async () => {
    const uri = uriOf("disable.c");
    let n = client.published.length;
    await client.open(uri, GOTO_FAIL, "c");
    const d = (await client.diagnosticsFor(uri, n)).diagnostics[0] as Diagnostic;
    const line = (await codeActions(client, uri, d.range)).find((a) => a.title === "Disable c/misleading-indentation for this line");
    const text = applyEdit(GOTO_FAIL, uri, line?.edit);
    expect(text).toContain("\t\tgoto fail;\n\t\t// deploylint-disable-next-line c/misleading-indentation\n\t\tgoto fail;\n");
    n = client.published.length;
    await client.change(uri, 2, text);
    expect((await client.diagnosticsFor(uri, n)).diagnostics).toEqual([]);
    await client.close(uri);
  });

  it("fixes all safe fixes with source.fixAll.deploylint", async () => {
    const uri = uriOf("deploy.sh");
    let n = client.published.length;
    await client.open(uri, DEPLOY_SH, "sh");
    const p = await client.diagnosticsFor(uri, n);
    expect(p.diagnostics.filter((d) => d.code === "docker/run-missing-rm")).toHaveLength(3);
    const actions = await codeActions(client, uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ["source.fixAll"]);
    expect(actions.map((a) => a.kind)).toEqual(["source.fixAll.deploylint"]);
    const fixed = applyEdit(DEPLOY_SH, uri, actions[0]?.edit);
    expect(fixed).toBe(DEPLOY_SH.replaceAll("docker run", "docker run --rm"));
    n = client.published.length;
    await client.change(uri, 2, fixed);
    const after = await client.diagnosticsFor(uri, n);
    expect(after.diagnostics.filter((d) => d.code === "docker/run-missing-rm")).toEqual([]);
    // Asked only for quick fixes, no fix-all; asked for fix-all on a clean file, none either.
    expect(await codeActions(client, uri, { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, ["source.fixAll.deploylint"])).toEqual([]);
    await client.close(uri);
  });

  it("takes the language from the languageId for an untitled buffer", async () => {
    const uri = "untitled:Untitled-1";
    const n = client.published.length;
    await client.open(uri, DOCKERFILE, "dockerfile");
    expect((await client.diagnosticsFor(uri, n)).diagnostics.map((d) => d.code)).toContain("docker/run-missing-rm");
    await client.close(uri);
  });

  it("re-lints open documents when the settings or a config file change", async () => {
    const uri = uriOf("config.c");
    let n = client.published.length;
    await client.open(uri, GOTO_FAIL, "c");
    expect((await client.diagnosticsFor(uri, n)).diagnostics).toHaveLength(1);
    n = client.published.length;
    await client.conn.sendNotification("workspace/didChangeConfiguration", { settings: { deploylint: { disable: ["c/misleading-indentation"] } } });
    expect(await client.diagnosticsFor(uri, n)).toEqual({ uri, version: 1, diagnostics: [] });
    n = client.published.length;
    await client.conn.sendNotification("workspace/didChangeConfiguration", { settings: { deploylint: { rules: { "c/misleading-indentation": "info" } } } });
    const info = await client.diagnosticsFor(uri, n);
    expect(info.diagnostics.map((d) => d.severity)).toEqual([3]);
    n = client.published.length;
    await client.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf("deploylint.config.json"), type: 2 }] });
    expect((await client.diagnosticsFor(uri, n)).version).toBe(1);
    await client.conn.sendNotification("workspace/didChangeConfiguration", { settings: { deploylint: { rules: {}, debounceMs: 50 } } });
    await client.close(uri);
  });

  it("keeps running on bad input: unknown documents and methods, bad settings, unparseable text, a huge file", async () => {
    const unknown = uriOf("never-opened.c");
    expect(await codeActions(client, unknown, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } })).toEqual([]);
    await expect(client.request("deploylint/noSuchMethod", {})).rejects.toThrow();
    await client.conn.sendNotification("workspace/didChangeConfiguration", { settings: { deploylint: { debounceMs: "soon", rules: 7 } } });
    await client.until(() => client.shown.find((m) => m.message.includes("debounceMs")), "a warning about the bad setting");
    // Text that does not parse as C, and bytes that are not text at all.
    for (const [name, text] of [["garbage.c", "}}} if if ( { #endif \u0000\u0001 ((((\n"], ["garbage.service", "\u0000[Service\nExecStart=\"\n"]] as const) {
      const n = client.published.length;
      await client.open(uriOf(name), text, "");
      await client.diagnosticsFor(uriOf(name), n);
    }
    // Over 5 MB: not linted, logged once, the server goes on.
    const huge = uriOf("huge.c");
    await client.open(huge, "int x;\n".repeat(900_000), "c");
    await client.until(() => client.logs.find((l) => l.message.includes("huge.c") && l.message.includes("limit")), "the huge-file log message");
    const uri = uriOf("after-huge.c");
    const n = client.published.length;
    await client.open(uri, GOTO_FAIL, "c");
    expect((await client.diagnosticsFor(uri, n)).diagnostics).toHaveLength(1);
    expect(client.published.filter((p) => p.uri === huge).flatMap((p) => p.diagnostics)).toEqual([]);
    expect(client.exitCode).toBeUndefined();
  });

  it("shuts down and exits with status 0", async () => {
    expect(await client.stop()).toBe(0);
  });
});

describe("language server (pull diagnostics)", () => {
  let client: TestClient;
  let init: Awaited<ReturnType<typeof TestClient.start>>["init"];

  beforeAll(async () => {
    ({ client, init } = await TestClient.start({
      rootDir: dir,
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true } } },
    }));
  });
  afterAll(async () => {
    await client?.stop();
  });

  it("advertises a diagnostic provider and answers pulls instead of pushing", async () => {
    expect(init.capabilities.diagnosticProvider).toEqual({ identifier: "deploylint", interFileDependencies: false, workspaceDiagnostics: false });
    const uri = uriOf("pull.c");
    await client.open(uri, GOTO_FAIL, "c");
    const first = await client.request<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri } });
    expect(first.kind).toBe("full");
    const items = first.kind === "full" ? first.items : [];
    expect(items.map((d) => [d.code, d.range.start])).toEqual([["c/misleading-indentation", { line: 3, character: 2 }]]);
    const again = await client.request<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri }, previousResultId: first.resultId });
    expect(again).toEqual({ kind: "unchanged", resultId: first.resultId });
    await client.change(uri, 2, GOTO_FIXED);
    const changed = await client.request<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri }, previousResultId: first.resultId });
    expect(changed).toMatchObject({ kind: "full", items: [] });
    // A settings change asks the client to pull again.
    const before = client.refreshes;
    await client.conn.sendNotification("workspace/didChangeConfiguration", { settings: { deploylint: { disable: ["docker/run-missing-rm"] } } });
    await client.until(() => client.refreshes > before, "workspace/diagnostic/refresh");
    const unknown = await client.request<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri: uriOf("not-open.c") } });
    expect(unknown).toEqual({ kind: "full", items: [] });
    await client.close(uri);
    await new Promise((r) => setTimeout(r, 100));
    expect(client.published).toEqual([]);
  });
});

describe("language server with the project's config files", () => {
  it("lints as the nearest config file says, and re-reads it when it changes", async () => {
    const proj = path.join(dir, "project");
    mkdirSync(path.join(proj, "src"), { recursive: true });
    const cfg = path.join(proj, ".deploylint.yaml");
    writeFileSync(cfg, 'root: true\nrules:\n  c/misleading-indentation: "off"\n');
    const { client } = await TestClient.start({ rootDir: proj, initializationOptions: { debounceMs: 0 } });
    try {
      const uri = pathToUri(path.join(proj, "src", "fail.c"));
      let n = client.published.length;
      await client.open(uri, GOTO_FAIL, "c");
      expect((await client.diagnosticsFor(uri, n)).diagnostics).toEqual([]);
      // The config changes on disk: the client reports it, the open document is linted again.
      writeFileSync(cfg, "root: true\nrules:\n  c/misleading-indentation: info\n");
      n = client.published.length;
      await client.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToUri(cfg), type: 2 }] });
      expect((await client.diagnosticsFor(uri, n)).diagnostics.map((d) => d.severity)).toEqual([3]);
      // A broken config: nothing is linted (as the CLI refuses to run), and the user is told why.
      writeFileSync(cfg, "root: true\nrules:\n  no/such-rule: error\n");
      n = client.published.length;
      await client.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToUri(cfg), type: 2 }] });
      expect((await client.diagnosticsFor(uri, n)).diagnostics).toEqual([]);
      await client.until(() => client.shown.find((m) => m.message.includes(".deploylint.yaml")), "the configuration error");
    } finally {
      expect(await client.stop()).toBe(0);
    }
  });
});

describe("deploylint lsp --stdio", () => {
  it("runs the same server from the CLI", async () => {
    const { client } = await TestClient.start({ argv: [process.execPath, CLI_BIN, "lsp", "--stdio"], initializationOptions: { deploylint: { debounceMs: 0 } } });
    const uri = uriOf("cli/web.service");
    await client.open(uri, "[Service]\nExecStart=/usr/bin/docker run --name web myorg/web:1.4\n", "systemd");
    const p = await client.diagnosticsFor(uri);
    expect(p.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(["docker/run-name-unguarded", "unit/missing-docker-dependency"]));
    expect(await client.stop()).toBe(0);
  });
});
