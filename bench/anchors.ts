/**
 * The anchor tools, each run the way a user would run it over the same files: gcc's
 * -Wmisleading-indentation (one process per argv-sized batch), clang-tidy's
 * readability-misleading-indentation (on a byte-capped sample, scaled per byte), ShellCheck (one
 * process over all the scripts). Output and exit status are ignored: only the time counts.
 */
import { sampleByBytes, totalBytes, type Corpus } from "./corpus.js";
import { batchJob, batches, onPath, versionOf, type Job } from "./measure.js";

export interface AnchorSpec {
  tool: string;
  version: string | undefined;
  /** The files the anchor is timed on (all of the corpus, or a sample). */
  files: readonly string[];
  bytes: number;
  /** Anchor time ÷ deploylint time that the issue asks for. */
  target: number;
  job: Job;
  note?: string;
}

export function gccAnchor(corpus: Corpus): AnchorSpec | undefined {
  const gcc = onPath("gcc");
  if (!gcc) return undefined;
  const cmds = batches(corpus.files).map((b, i) => ({
    label: `gcc batch ${i + 1}`,
    argv: [gcc, "-fsyntax-only", "-Wmisleading-indentation", "-x", "c", ...b],
  }));
  return {
    tool: "gcc -fsyntax-only -Wmisleading-indentation",
    version: versionOf(gcc),
    files: corpus.files,
    bytes: corpus.bytes,
    target: 10,
    job: batchJob("gcc", cmds),
    note: `${cmds.length} gcc process(es), argv batches`,
  };
}

export function clangTidyAnchor(corpus: Corpus, capBytes: number, seed: number): AnchorSpec | undefined {
  const tidy = onPath("clang-tidy");
  if (!tidy) return undefined;
  const sample = capBytes >= corpus.bytes ? corpus.files : sampleByBytes(corpus.files, capBytes, seed);
  const cmds = batches(sample).map((b, i) => ({
    label: `clang-tidy batch ${i + 1}`,
    argv: [tidy, "--checks=-*,readability-misleading-indentation", ...b, "--", "-x", "c"],
  }));
  return {
    tool: "clang-tidy readability-misleading-indentation",
    version: versionOf(tidy),
    files: sample,
    bytes: sample === corpus.files ? corpus.bytes : totalBytes(sample),
    target: 50,
    job: batchJob("clang-tidy", cmds),
    note: sample.length < corpus.files.length ? "timed on a seeded sample, scaled per byte to the corpus" : undefined,
  };
}

export function shellcheckAnchor(corpus: Corpus): AnchorSpec | undefined {
  const sc = onPath("shellcheck");
  if (!sc) return undefined;
  const cmds = batches(corpus.files).map((b, i) => ({ label: `shellcheck batch ${i + 1}`, argv: [sc, "-f", "gcc", ...b] }));
  return {
    tool: "shellcheck -f gcc",
    version: versionOf(sc),
    files: corpus.files,
    bytes: corpus.bytes,
    target: 20,
    job: batchJob("shellcheck", cmds),
    note: cmds.length === 1 ? "one process over all files" : `${cmds.length} processes (argv batches)`,
  };
}
