/**
 * The Dockerfile adapter: `parseDockerfile(text)` reads the file as BuildKit does and
 * `dockerfileShellRegions(doc, text)` yields the shell it runs at build time. Nothing here exposes
 * a parser library's types; all offsets are host offsets (0-based UTF-16 into the text as given).
 *
 * Why not dockerfile-ast: its instruction boundaries and values diverge from BuildKit where the
 * shell text matters (fd heredocs `3<<EOF` become bogus instructions, `\\` at line end is taken as
 * a continuation, JSON `\u0041` is not decoded, `--` inside a word starts flag parsing), and the
 * piecewise map needs character-level control anyway. The tests compare our instruction
 * boundaries with dockerfile-ast's on ordinary files.
 */
export {
  parseDockerfile,
  type DArg,
  type DFlag,
  type DForm,
  type DHeredoc,
  type DInstruction,
  type DockerfileDoc,
  type DStage,
} from "./parse.js";
export type { ParserDirective } from "./lines.js";
export { dockerfileShellRegions, shellsInEffect, stagePrerequisites, stageScope } from "./shell-regions.js";
export { copySources, entrypointTargets, finalStageChain, type CopySource } from "./targets.js";
