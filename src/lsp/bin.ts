#!/usr/bin/env node
/** The `deploylint-lsp` bin: the language server on stdio (same as `deploylint lsp --stdio`). */
import { checkLspArgs, startStdioServer } from "./main.js";

const problem = checkLspArgs(process.argv.slice(2));
if (problem !== undefined) {
  const help = problem.startsWith("Usage");
  (help ? process.stdout : process.stderr).write(`${problem}\n`);
  process.exitCode = help ? 0 : 2;
} else {
  startStdioServer();
}
