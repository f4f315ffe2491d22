/**
 * Facts about the scanned tree that one file cannot tell by itself: which shell scripts a
 * Dockerfile starts as its container's entrypoint. Computed once per run from the Dockerfiles'
 * text, before linting; pure.
 */
import path from "node:path";
import {
  copySources,
  entrypointTargets,
  finalStageChain,
  parseDockerfile,
  type CopySource,
  type DInstruction,
  type DockerfileDoc,
} from "../languages/dockerfile/index.js";

export interface ProjectFacts {
  /** Display paths (forward slashes, normalised: see `normalizeDisplayPath`) of scripts that some scanned Dockerfile runs at container start. */
  entrypoints: ReadonlySet<string>;
}

export const NO_PROJECT_FACTS: ProjectFacts = { entrypoints: new Set() };

/** A display path in the form `entrypoints` holds: forward slashes, `./` and `a/../` resolved. */
export function normalizeDisplayPath(p: string): string {
  return path.posix.normalize(p.split(path.sep).join("/"));
}

/** Directories on the default `PATH` of the usual base images, where a bare ENTRYPOINT name is looked up. */
const PATH_DIRS: readonly string[] = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** `/app` + `bin/` → `/app/bin`; undefined when a `$VARIABLE` makes the path unknown (an absolute `p` needs no `dir`). */
function resolveIn(dir: string | undefined, p: string): string | undefined {
  if (p.includes("$")) return undefined;
  if (p.startsWith("/")) return path.posix.resolve(p);
  return dir === undefined ? undefined : path.posix.resolve(dir, p);
}

/**
 * The working directory in effect before each COPY/ADD of the final stage chain, and at run time.
 * `WORKDIR` is cumulative (a relative one is taken from the one before) and inherited from a base
 * stage; a `$VARIABLE` in it makes the directory unknown until the next absolute WORKDIR.
 */
function workdirs(doc: DockerfileDoc): { at: Map<DInstruction, string | undefined>; final: string | undefined } {
  const stages = new Set(finalStageChain(doc).map((s) => s.index));
  const at = new Map<DInstruction, string | undefined>();
  let dir: string | undefined = "/";
  for (const ins of doc.instructions) {
    if (!stages.has(ins.stage)) continue;
    if (ins.keyword === "WORKDIR") {
      const value = ins.argsText.trim().replace(/^(["'])(.*)\1$/, "$2");
      dir = resolveIn(dir, value);
    } else if (ins.keyword === "COPY" || ins.keyword === "ADD") {
      at.set(ins, dir);
    }
  }
  return { at, final: dir };
}

/** A Go `filepath.Match` pattern of one path component as a RegExp (`*`, `?`, `[…]`). */
function componentPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]").replace(/\[!/g, "[^");
  return new RegExp(`^${body}$`);
}

/** A source that is a path in the build context: not a heredoc (`<<EOF`), nor a URL or git remote. */
function fromContext(src: string): boolean {
  return !src.startsWith("<<") && !/^[a-z][a-z0-9+.-]*:\/\//i.test(src) && !src.startsWith("git@");
}

/** A source that may be a directory: `.`, `dir/`, or a last component without an extension (`rootfs`, `bin`). */
function mayBeDirectory(src: string): boolean {
  return src.endsWith("/") || /(^|\/)\.\.?$/.test(src) || !path.posix.basename(src).includes(".");
}

/**
 * The context-relative sources (before joining with the context directory) that may put `target`
 * in the image through this COPY/ADD. A source may be a file copied to `dest` (a file name, or a
 * directory when it ends with `/`, there are several sources, or it already exists in the image —
 * e.g. `COPY run.sh /usr/local/bin`), or a directory whose contents are copied into `dest`
 * (`COPY . /app/`, `COPY rootfs/ /`); without the file system we cannot tell, so every reading
 * that yields the target counts (a directory reading only for a source that looks like one). A
 * glob in the last component (`COPY *.sh /usr/local/bin/`) matches by the target's name.
 */
function sourcesOf(copy: CopySource, dest: string, target: string): string[] {
  const out: string[] = [];
  const destIsDir = copy.dest.endsWith("/") || copy.sources.length > 1 || /(^|\/)\.\.?$/.test(copy.dest);
  for (const src of copy.sources) {
    if (!fromContext(src)) continue;
    const srcDir = path.posix.dirname(src);
    const srcName = path.posix.basename(src);
    if (/[*?[]/.test(srcDir)) continue;
    if (/[*?[]/.test(srcName)) {
      const name = path.posix.basename(target);
      if (path.posix.dirname(target) === dest && componentPattern(srcName).test(name)) out.push(path.posix.join(srcDir, name));
    } else if ((!destIsDir && dest === target) || path.posix.join(dest, srcName) === target) {
      out.push(src);
    } else if (mayBeDirectory(src) && target.startsWith(`${dest === "/" ? "" : dest}/`)) {
      out.push(path.posix.join(src, path.posix.relative(dest, target)));
    }
  }
  return out;
}

/**
 * The repository files a Dockerfile's ENTRYPOINT/CMD programs come from: a target `/run.sh` that a
 * `COPY docker-run.sh /run.sh` (or `ADD … /usr/local/bin/`, or `COPY . /app/` for `/app/run.sh`)
 * put there maps to `docker-run.sh`, taken relative to the Dockerfile's directory (the usual build
 * context). Only COPY/ADD of the final stage and the stages it is built `FROM` count, not
 * `COPY --from` (the file comes from another image or stage). Relative destinations and targets
 * resolve against WORKDIR; a bare target name (`docker-entrypoint.sh`) is looked up on the default
 * PATH, and also matches any copied file of that name (images often extend PATH with ENV).
 */
export function entrypointSources(dockerfilePath: string, text: string): string[] {
  const doc = parseDockerfile(text);
  const dir = path.posix.dirname(normalizeDisplayPath(dockerfilePath));
  const stages = new Set(finalStageChain(doc).map((s) => s.index));
  const copies = copySources(doc).filter((c) => c.from === undefined && stages.has(c.instruction.stage));
  const wd = workdirs(doc);
  const out = new Set<string>();
  const add = (src: string): void => {
    out.add(path.posix.normalize(path.posix.join(dir, src)));
  };
  for (const target of entrypointTargets(doc)) {
    if (target.includes("$")) continue;
    const bare = !target.includes("/");
    const inWorkdir = resolveIn(wd.final, target);
    const absolute = bare ? PATH_DIRS.map((d) => `${d}/${target}`) : inWorkdir === undefined ? [] : [inWorkdir];
    for (const copy of copies) {
      const dest = resolveIn(wd.at.get(copy.instruction), copy.dest);
      if (dest === undefined) continue;
      for (const t of absolute) for (const src of sourcesOf(copy, dest, t)) add(src);
      if (!bare) continue;
      // On a PATH that ENV extended: a file copied under the target's name, or to a file of that name.
      const local = copy.sources.filter((src) => fromContext(src) && !/[*?[]/.test(src));
      for (const src of local) if (path.posix.basename(src) === target) add(src);
      const only = local.length === 1 && copy.sources.length === 1 && !copy.dest.endsWith("/") ? local[0] : undefined;
      if (only !== undefined && path.posix.basename(dest) === target) add(only);
    }
  }
  return [...out];
}

export function projectFacts(dockerfiles: readonly { path: string; text: string }[]): ProjectFacts {
  const entrypoints = new Set<string>();
  for (const d of dockerfiles) for (const s of entrypointSources(d.path, d.text)) entrypoints.add(s);
  return { entrypoints };
}
