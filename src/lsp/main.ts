/**
 * Starting the language server on standard input and output: `deploylint lsp --stdio` and the
 * `deploylint-lsp` bin. Standard output belongs to the protocol, so console output goes to the
 * client's log instead; nothing a client sends makes the process exit except `exit`.
 */
import { createConnection } from "vscode-languageserver/node";
import { createServer, type ServerOptions } from "./server.js";

export const LSP_USAGE = `Usage: deploylint lsp [--stdio]
       deploylint-lsp [--stdio]

Runs the deploylint language server, speaking the Language Server Protocol on standard input and
output (the only transport; --stdio is accepted for clients that pass it). See docs/editors.md.`;

/** Parses the server's arguments: undefined when they are fine, else a message for standard error. */
export function checkLspArgs(args: readonly string[]): string | undefined {
  for (const a of args) {
    if (a === "--stdio") continue;
    if (a === "--help" || a === "-h") return LSP_USAGE;
    return `deploylint lsp: unknown argument '${a}' (only --stdio is supported)\n\n${LSP_USAGE}`;
  }
  return undefined;
}

/** Runs the server until the client sends `exit` or closes the stream (the library then exits the process). */
export function startStdioServer(options: ServerOptions = {}): void {
  const connection = createConnection(process.stdin, process.stdout);
  const toLog = (level: "log" | "info" | "warn" | "error") => (...args: unknown[]) => {
    const text = args.map((a) => (typeof a === "string" ? a : String(a))).join(" ");
    connection.console[level](text);
  };
  // Anything printed with console.* would corrupt the protocol stream on stdout.
  console.log = toLog("log");
  console.info = toLog("info");
  console.debug = toLog("log");
  console.warn = toLog("warn");
  console.error = toLog("error");
  // A bug must not take the editor's linting down: log it and go on.
  process.on("uncaughtException", (e) => connection.console.error(`deploylint: internal error: ${e.stack ?? e.message}`));
  process.on("unhandledRejection", (e) => connection.console.error(`deploylint: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
  createServer(connection, options);
  connection.listen();
}
