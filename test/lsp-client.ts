/**
 * A scripted LSP client for the protocol tests: spawns the built server on stdio and speaks to it
 * through `vscode-languageserver-protocol`, recording what the server pushes (diagnostics, log
 * messages) so a test can wait for it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const LSP_BIN = path.join(ROOT, "dist/bundle/deploylint-lsp.js");
export const CLI_BIN = path.join(ROOT, "dist/bundle/deploylint.js");

export interface StartOptions {
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Command and arguments (default: node dist/bundle/deploylint-lsp.js --stdio). */
  argv?: string[];
  rootDir?: string;
  /** Answer to workspace/configuration requests. */
  configuration?: unknown;
}

export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: { type: number; message: string }[] = [];
  readonly shown: { type: number; message: string }[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  refreshes = 0;
  stderr = "";
  exitCode: number | null | undefined = undefined;
  private waiters: (() => void)[] = [];
  private readonly exited: Promise<number | null>;
  configuration: unknown;

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: ProtocolConnection,
  ) {
    this.exited = new Promise((resolve) => proc.on("exit", (code) => {
      this.exitCode = code;
      this.poke();
      resolve(code);
    }));
    proc.stderr?.on("data", (d: Buffer) => {
      this.stderr += d.toString();
    });
    conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      this.poke();
    });
    conn.onNotification("window/logMessage", (p: { type: number; message: string }) => {
      this.logs.push(p);
      this.poke();
    });
    conn.onNotification("window/showMessage", (p: { type: number; message: string }) => {
      this.shown.push(p);
      this.poke();
    });
    conn.onRequest("window/showMessageRequest", () => null);
    conn.onRequest("client/registerCapability", (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      this.poke();
      return null;
    });
    conn.onRequest("workspace/configuration", (p: { items: unknown[] }) => p.items.map(() => this.configuration ?? null));
    conn.onRequest("workspace/diagnostic/refresh", () => {
      this.refreshes++;
      this.poke();
      return null;
    });
  }

  static async start(opts: StartOptions = {}): Promise<{ client: TestClient; init: InitializeResult }> {
    const argv = opts.argv ?? [process.execPath, LSP_BIN, "--stdio"];
    const proc = spawn(argv[0] as string, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
    const conn = createProtocolConnection(
      new StreamMessageReader(proc.stdout as NodeJS.ReadableStream),
      new StreamMessageWriter(proc.stdin as NodeJS.WritableStream),
    );
    const client = new TestClient(proc, conn);
    client.configuration = opts.configuration;
    conn.listen();
    const rootUri = opts.rootDir ? pathToUri(opts.rootDir) : null;
    const init = await conn.sendRequest<InitializeResult>("initialize", {
      processId: process.pid,
      rootUri,
      workspaceFolders: opts.rootDir ? [{ uri: rootUri, name: "root" }] : null,
      capabilities: opts.capabilities ?? {},
      initializationOptions: opts.initializationOptions,
    });
    await conn.sendNotification("initialized", {});
    return { client, init };
  }

  private poke(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `pred` holds (checked after every message from the server), or rejects after `ms`. */
  async until<T>(pred: () => T | undefined | false, what: string, ms = 10000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v !== undefined && v !== false) return v;
      if (this.exitCode !== undefined) throw new Error(`server exited (${this.exitCode}) while waiting for ${what}\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; published: ${JSON.stringify(this.published.map((p) => [p.uri, p.version, p.diagnostics.length]))}; logs: ${JSON.stringify(this.logs)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The next diagnostics published for `uri` after the first `after` publications of all. */
  diagnosticsFor(uri: string, after = 0, pred: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return this.until(() => this.published.slice(after).find((p) => p.uri === uri && pred(p)), `diagnostics for ${uri}`);
  }

  open(uri: string, text: string, languageId = "", version = 1): Promise<void> {
    return this.conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.conn.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): Promise<void> {
    return this.conn.sendNotification("textDocument/didClose", { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest<R>(method, params);
  }

  /** shutdown + exit; resolves to the process's exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode === undefined) {
      try {
        await this.conn.sendRequest("shutdown");
        await this.conn.sendNotification("exit");
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => this.proc.kill(), 5000);
    const code = await this.exited;
    clearTimeout(timer);
    this.conn.dispose();
    return code;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(path.resolve(p)).href;
}
