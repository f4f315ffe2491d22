/**
 * The glob patterns of `overrides[].files` and `languages`, read the way gitignore reads its
 * patterns: a pattern with no slash before its end matches a name at any depth
 * (`*.upstart`, `Dockerfile.*`, `bin/` for a directory named `bin`); a pattern with one is relative
 * to the config file's directory (`bin/*`, `/deploy/**\/*.sh`); `**` spans directories; a
 * trailing `/` matches everything under a directory. Dotfiles are matched like other names.
 */
import picomatch from "picomatch";

export type PathTest = (relPath: string) => boolean;

/** The picomatch pattern a config glob stands for. */
export function normalizeGlob(pattern: string): string {
  let p = pattern.trim().replace(/^\.\//, "");
  const anchored = p.startsWith("/") || p.slice(0, -1).includes("/");
  p = p.replace(/^\/+/, "");
  if (p.endsWith("/")) p = `${p}**`;
  return anchored ? p : `**/${p}`;
}

/**
 * A test of paths relative to the config's directory (with `/`). Paths outside it (starting with
 * `../`) never match.
 */
export function compileGlobs(patterns: readonly string[]): PathTest {
  const ignoreCase = process.platform === "darwin" || process.platform === "win32";
  const isMatch = picomatch(patterns.map(normalizeGlob), { dot: true, nocase: ignoreCase });
  return (rel) => rel !== "" && !rel.startsWith("../") && rel !== ".." && isMatch(rel);
}
