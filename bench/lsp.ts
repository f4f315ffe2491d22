/**
 * Language-server latency: how long after an edit a document's diagnostics are ready. Prints
 * figures; not a test (timings depend on the machine).
 *
 *   npm run build && node dist/bench/lsp.js [--edits N] [--only c|dockerfile] [--server-only] [--profile-server DIR]
 *
 * --profile-server DIR runs the server of the round trips under `--cpu-prof` (profiles in DIR; read
 * them with dist/bench/profile.js).
 *
 * Two measurements per document (a 5,000-line C file, a 500-line Dockerfile):
 * - server time: in process, what the server does per edit — lint the new text with the
 *   document's rules and turn the findings into diagnostics (`DocumentLinter` + `toDiagnostic`);
 * - round trip: the built server over stdio, from sending `didChange` to receiving the
 *   `publishDiagnostics` of that version (debounce 0), as an editor sees it.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { toDiagnostic } from "../src/lsp/convert.js";
import { DocumentLinter } from "../src/lsp/linting.js";
import { DEFAULT_SETTINGS } from "../src/lsp/settings.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The shipped server bundle (npm run build) */
const SERVER = path.resolve(HERE, "../bundle/deploylint-lsp.js");

/**
 * A 5,000-line C file of ordinary, complete functions (no syntax error), with one goto-fail a
 * third of the way in.
 */
function cFile(lines: number): string {
  const out: string[] = ["#include <stdio.h>", "#include <stdlib.h>", ""];
  const verify = ["int verify(int err) {", "\tif (err != 0)", "\t\tgoto fail;", "\t\tgoto fail;", "\treturn 0;", "fail:", "\treturn err;", "}", ""];
  let i = 0;
  while (out.length + 13 + verify.length <= lines) {
    out.push(
      `static int step_${i}(int err, const char *name) {`,
      "\tif (err != 0)",
      "\t\treturn err;",
      `\tfor (int k = 0; k < ${i % 7 + 1}; k++) {`,
      "\t\tif (name[k] == '\\0')",
      "\t\t\tbreak;",
      `\t\terr += name[k] * ${i % 13};`,
      "\t}",
      "\twhile (err > 100)",
      "\t\terr -= 100;",
      "\treturn err;",
      "}",
      "",
    );
    i++;
  }
  // Between two functions (they start at line 3, every 13 lines), a third of the way in: the
  // edits are typed near the middle.
  out.splice(3 + Math.floor((out.length - 3) / 3 / 13) * 13, 0, ...verify);
  while (out.length < lines) out.push("");
  return `${out.join("\n")}\n`;
}

/** A 500-line multi-stage Dockerfile with many RUN instructions, some running containers. */
function dockerfile(lines: number): string {
  const out: string[] = ["# syntax=docker/dockerfile:1", "FROM debian:12 AS build", "WORKDIR /src", "COPY . /src"];
  let i = 0;
  while (out.length < lines - 4) {
    out.push(
      `RUN apt-get update && apt-get install -y --no-install-recommends pkg${i} \\`,
      `    && make -C /src/module${i} all \\`,
      "    && rm -rf /var/lib/apt/lists/*",
      `ENV STEP_${i}=done`,
      i % 5 === 0 ? `RUN docker run --name job${i} myorg/tool:1.${i} migrate` : `RUN echo "step ${i}" > /tmp/step${i}.log`,
      "",
    );
    i++;
  }
  out.push("FROM debian:12", "COPY --from=build /src/out /app", 'CMD ["/app/server"]');
  return `${out.slice(0, lines).join("\n")}\n`;
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms (${s.length} edits)`;
}

/** The text after edit `i`: one character typed into a line near the middle (as a user would). */
function edited(text: string, i: number): { text: string; offset: number; insert: string } {
  const lines = text.split("\n");
  const line = Math.floor(lines.length / 2) + (i % 10);
  let offset = 0;
  for (let k = 0; k < line; k++) offset += (lines[k] as string).length + 1;
  const insert = i % 2 === 0 ? " " : "\t";
  return { text: text.slice(0, offset) + insert + text.slice(offset), offset, insert };
}

async function serverTime(name: string, uri: string, languageId: string, text: string, edits: number): Promise<void> {
  const linter = new DocumentLinter(DEFAULT_SETTINGS);
  const t0 = performance.now();
  await linter.lint({ uri, text, languageId });
  const first = performance.now() - t0;
  const times: number[] = [];
  const cpu: number[] = [];
  let findings = 0;
  let current = text;
  for (let i = 0; i < edits; i++) {
    current = edited(current, i).text;
    const doc = TextDocument.create(uri, languageId, i + 2, current);
    const s = performance.now();
    const c = process.cpuUsage();
    const out = await linter.lint({ uri, text: current, languageId });
    const diagnostics = (out?.findings ?? []).map((f) => toDiagnostic(doc, f, { docsBaseUrl: DEFAULT_SETTINGS.docsBaseUrl }));
    const used = process.cpuUsage(c);
    times.push(performance.now() - s);
    cpu.push((used.user + used.system) / 1000);
    findings = diagnostics.length;
  }
  linter.dispose();
  console.log(`${name}: server time per edit: ${stats(times)}`);
  console.log(`${name}: CPU time per edit:    ${stats(cpu)}; first lint (grammar load) ${first.toFixed(0)} ms; ${findings} diagnostics`);
}

/** `--cpu-prof` flags for the server process when --profile-server DIR is given. */
function profileFlags(): string[] {
  const i = process.argv.indexOf("--profile-server");
  const dir = i !== -1 ? process.argv[i + 1] : undefined;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

async function roundTrip(name: string, uri: string, languageId: string, text: string, edits: number): Promise<void> {
  const proc = spawn(process.execPath, [...profileFlags(), SERVER, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiting = new Map<number, () => void>();
  conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    if (p.version !== undefined) waiting.get(p.version)?.();
  });
  conn.onNotification("window/logMessage", () => {});
  conn.listen();
  await conn.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 0 } });
  await conn.sendNotification("initialized", {});
  const published = (version: number) => new Promise<void>((resolve) => waiting.set(version, resolve));
  let ready = published(1);
  await conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId, version: 1, text } });
  await ready;
  const times: number[] = [];
  let current = text;
  for (let i = 0; i < edits; i++) {
    const version = i + 2;
    const e = edited(current, i);
    const doc = TextDocument.create(uri, languageId, version, current);
    const at = doc.positionAt(e.offset);
    current = e.text;
    ready = published(version);
    const s = performance.now();
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: at, end: at }, text: e.insert }],
    });
    await ready;
    times.push(performance.now() - s);
  }
  await conn.sendRequest("shutdown");
  await conn.sendNotification("exit");
  conn.dispose();
  console.log(`${name}: edit → publishDiagnostics over stdio: ${stats(times)}`);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--edits");
  const edits = i !== -1 ? Number(process.argv[i + 1]) : 40;
  const o = process.argv.indexOf("--only");
  const only = o !== -1 ? process.argv[o + 1] : undefined;
  const serverOnly = process.argv.includes("--server-only");
  const docs = [
    { key: "c", name: "C, 5,000 lines", uri: "file:///bench/big.c", languageId: "c", text: cFile(5000) },
    { key: "dockerfile", name: "Dockerfile, 500 lines", uri: "file:///bench/Dockerfile", languageId: "dockerfile", text: dockerfile(500) },
  ].filter((d) => only === undefined || d.key === only);
  console.log(`deploylint language server latency (node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]?.toFixed(1)})`);
  for (const d of docs) await serverTime(d.name, d.uri, d.languageId, d.text, edits);
  if (serverOnly) return;
  for (const d of docs) await roundTrip(d.name, d.uri, d.languageId, d.text, edits);
}

await main();
