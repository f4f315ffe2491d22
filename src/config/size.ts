/** Sizes as `--max-file-size` and `maxFileSize` take them: bytes, or with a K/M/G suffix (binary units). */
export function parseSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?$/.exec(s.trim());
  if (!m) return undefined;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? "").toLowerCase()] ?? 1;
  const n = Math.round(Number(m[1]) * unit);
  return n > 0 ? n : undefined;
}
