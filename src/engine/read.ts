/**
 * Reading one file for linting: size check, I/O errors as notices, UTF-8 decoding.
 * Errors are values here: nothing in this module throws for a file it cannot read.
 */
import fs, { constants } from "node:fs";
import { decodeUtf8 } from "./source.js";
import type { Notice } from "./types.js";

/** The default `maxFileSize`: 5 MB. Bigger files are skipped with a notice (generated code, dumps). */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** How much of a file `readHead` reads by default: enough for a shebang and a comment line. */
export const HEAD_BYTES = 512;

export type ReadResult = { ok: true; text: string; bom: boolean; crlf: boolean } | { ok: false; notice: Notice };

/**
 * `O_NONBLOCK` makes opening a FIFO return at once instead of waiting for a writer; for regular
 * files it changes nothing. (Windows has no such flag: 0 there.)
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

const ERROR_PHRASES: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  ENOTDIR: "a parent of the path is not a directory",
  ELOOP: "symlink loop",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EIO: "input/output error",
  ENXIO: "no such device",
  ENODEV: "no such device",
  EBUSY: "resource busy",
  EAGAIN: "resource temporarily unavailable",
  ETIMEDOUT: "timed out",
};

/** The `code` of a Node.js system error (`ENOENT`, …), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code: unknown = error.code;
  return typeof code === "string" ? code : undefined;
}

/** A short lower-case phrase for an I/O error: no stack, no path, no "Error:" prefix. */
export function ioErrorPhrase(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined) return ERROR_PHRASES[code] ?? code;
  return "unknown error";
}

/** `12 bytes`, `3.5 KB`, `7.3 MB` (binary units, one decimal, no trailing `.0`). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KB"] : [bytes / (1024 * 1024), "MB"];
  return `${value.toFixed(1).replace(/\.0$/, "")} ${unit}`;
}

function tooBig(file: string, size: number, maxBytes: number): Notice {
  return {
    file,
    kind: "skipped",
    message: `file is ${formatSize(size)}, over the ${formatSize(maxBytes)} limit (maxFileSize); skipped`,
  };
}

function unreadable(file: string, phrase: string): Notice {
  return { file, kind: "unreadable", message: `cannot read file: ${phrase}` };
}

/**
 * Reads a file for linting. The size is checked on the open handle before anything is read (so a
 * huge file costs one `fstat`), then the bytes are decoded as UTF-8: a BOM is removed and
 * reported, binary files (NUL byte) and invalid UTF-8 become `skipped` notices, I/O errors
 * `unreadable` notices. Anything but a regular file (FIFO, socket, device) is skipped unread.
 */
export async function readSource(
  absPath: string,
  displayPath: string,
  opts: { maxBytes?: number } = {},
): Promise<ReadResult> {
  return readSourceSync(absPath, displayPath, opts);
}

/**
 * The synchronous core of `readSource`. Linting reads thousands of small files one after another
 * (in each worker thread): synchronous open/fstat/read/close is several times faster than the
 * promise API's four round trips through libuv's thread pool, and nothing else waits meanwhile.
 */
export function readSourceSync(absPath: string, displayPath: string, opts: { maxBytes?: number } = {}): ReadResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let fd: number;
  try {
    fd = fs.openSync(absPath, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, notice: unreadable(displayPath, ioErrorPhrase(error)) };
  }
  let bytes: Buffer;
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, notice: unreadable(displayPath, "is a directory") };
    if (!stat.isFile()) {
      return { ok: false, notice: { file: displayPath, kind: "skipped", message: "not a regular file; skipped" } };
    }
    if (stat.size > maxBytes) return { ok: false, notice: tooBig(displayPath, stat.size, maxBytes) };
    bytes = fs.readFileSync(fd);
  } catch (error) {
    return { ok: false, notice: unreadable(displayPath, ioErrorPhrase(error)) };
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // Nothing to do: the descriptor is gone either way.
    }
  }
  // The file may have grown between the fstat and the read.
  if (bytes.length > maxBytes) return { ok: false, notice: tooBig(displayPath, bytes.length, maxBytes) };
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, notice: { file: displayPath, kind: "skipped", message: decoded.message } };
  return decoded;
}

/**
 * The first `maxBytes` bytes of a file as text (for shebang detection), or `undefined` when the
 * file cannot be read. One open, one read, one close; never reads the rest of the file. Uses the
 * callback API on a plain descriptor: discovery calls this for every extensionless file of a tree,
 * and a `FileHandle` costs two to three times as much per file.
 */
export function readHead(absPath: string, maxBytes: number = HEAD_BYTES): Promise<string | undefined> {
  return new Promise((resolve) => {
    fs.open(absPath, OPEN_FLAGS, (openError, fd) => {
      if (openError) {
        resolve(undefined);
        return;
      }
      const buffer = Buffer.allocUnsafe(maxBytes);
      fs.read(fd, buffer, 0, maxBytes, 0, (readError, bytesRead) => {
        fs.close(fd, () => resolve(readError ? undefined : buffer.toString("utf8", 0, bytesRead)));
      });
    });
  });
}
