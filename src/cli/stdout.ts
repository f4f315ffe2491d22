/**
 * The CLI's own standard output: written with `fs.writeSync` on descriptor 1, never through
 * `process.stdout`. Creating `process.stdout` loads Node's stream, net and tty modules (a piped
 * stdout is a socket, a terminal a tty stream), ~10 ms of a one-file run's start-up; a report is
 * written once, at the end, so a synchronous write loses nothing.
 */
import { fstatSync, statSync, writeSync } from "node:fs";

/** Descriptor 1. */
const STDOUT = 1;

/**
 * Writes all of `text` to standard output. A descriptor in non-blocking mode may accept part of a
 * write or none (EAGAIN): wait a millisecond and go on. A reader that went away (EPIPE, as in
 * `deploylint … | head`) ends the output quietly.
 */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(STDOUT, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return;
      if (code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/**
 * Whether standard output is a terminal, without loading `tty`: a character device other than
 * /dev/null (writing colours to /dev/null would be harmless anyway).
 */
export function stdoutIsTerminal(): boolean {
  try {
    const out = fstatSync(STDOUT);
    if (!out.isCharacterDevice()) return false;
    try {
      return statSync("/dev/null").rdev !== out.rdev;
    } catch {
      return true;
    }
  } catch {
    return false;
  }
}
