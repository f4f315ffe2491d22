/**
 * Replacing a file's content atomically: the bytes go to a temporary file in the same directory
 * (same file system, so the rename is atomic), which takes the original's permission bits (and,
 * when we run as root, its owner) before it is renamed over the original. A reader sees the old
 * file or the new one, never half of either; a failure leaves the original untouched and no
 * temporary file behind. Errors are values.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { ioErrorPhrase } from "./read.js";

export type WriteResult = { ok: true } | { ok: false; message: string };

/** `.name.deploylint-<pid>-<thread>-<random>.tmp` beside `target`: hidden, and unique per writer. */
export function tempPathFor(target: string): string {
  const unique = `${process.pid}-${threadId}-${randomBytes(4).toString("hex")}`;
  return path.join(path.dirname(target), `.${path.basename(target)}.deploylint-${unique}.tmp`);
}

/**
 * Writes `data` to `target` through a temporary file and a rename. `mode` (default: the mode of
 * the existing `target`, else 0o644 less the umask) is set on the temporary file with `fchmod`, so
 * the umask cannot narrow it. `target` must be the real path: renaming over a symlink would
 * replace the link with a file.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, opts: { mode?: number; fsync?: boolean } = {}): WriteResult {
  let mode = opts.mode;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = fs.statSync(target);
    mode ??= st.mode & 0o7777;
    owner = { uid: st.uid, gid: st.gid };
  } catch {
    // A new file: default mode.
  }
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    // A new file gets the usual 0o666 less the umask; a replaced one its old mode, set below.
    fd = fs.openSync(tmp, "wx", mode === undefined ? 0o666 : 0o600);
    fs.writeFileSync(fd, data);
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    if (owner && process.getuid?.() === 0) {
      try {
        fs.fchownSync(fd, owner.uid, owner.gid);
      } catch {
        // Keep going: the content matters more than the owner.
      }
    }
    if (opts.fsync !== false) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
    return { ok: true };
  } catch (error) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already closed or gone.
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Never created, or already renamed.
    }
    return { ok: false, message: ioErrorPhrase(error) };
  }
}
