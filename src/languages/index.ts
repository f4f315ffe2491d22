/**
 * What the engine needs to know of each language: how its comments look (for suppressions),
 * which tree-sitter grammar parses it, and the file name a docs example is linted under.
 */
import type { CommentStyle } from "../engine/suppressions.js";
import type { LanguageId } from "../engine/types.js";
import type { GrammarId } from "./treesitter.js";

export interface LanguageInfo {
  id: LanguageId;
  /** Human name, for notices and docs. */
  name: string;
  comments: CommentStyle;
  /** The tree-sitter grammar that parses a whole file of this language, if any. */
  grammar?: GrammarId;
  /** File name a docs example without an explicit name is linted as. */
  exampleFile: string;
}

export const LANGUAGES: Record<LanguageId, LanguageInfo> = {
  c: { id: "c", name: "C", comments: "c", grammar: "c", exampleFile: "example.c" },
  cpp: { id: "cpp", name: "C++", comments: "c", grammar: "cpp", exampleFile: "example.cpp" },
  shell: { id: "shell", name: "shell", comments: "hash", grammar: "bash", exampleFile: "example.sh" },
  dockerfile: { id: "dockerfile", name: "Dockerfile", comments: "hash", exampleFile: "Dockerfile" },
  upstart: { id: "upstart", name: "upstart job", comments: "hash", exampleFile: "example.conf" },
  systemd: { id: "systemd", name: "systemd unit", comments: "hash", exampleFile: "example.service" },
  make: { id: "make", name: "Makefile", comments: "hash", exampleFile: "Makefile" },
};
