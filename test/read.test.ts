import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_MAX_BYTES, formatSize, ioErrorPhrase, readHead, readSource, type ReadResult } from "../src/engine/read.js";
import type { Notice } from "../src/engine/types.js";

let dir: string;

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "deploylint-read-")));
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

function noticeOf(result: ReadResult): Notice {
  if (result.ok) throw new Error(`expected a notice, got text ${JSON.stringify(result.text)}`);
  return result.notice;
}

/** A notice message is one line, with no stack and no `Error:` prefix. */
function expectCleanMessage(notice: Notice): void {
  expect(notice.message).not.toMatch(/\n|Error:|    at /);
}

describe("readSource", () => {
  it("reads a UTF-8 file", async () => {
    const p = write("a.sh", "echo héllo\n");
    expect(await readSource(p, "a.sh")).toEqual({ ok: true, text: "echo héllo\n", bom: false, crlf: false });
  });

  it("removes and reports a BOM", async () => {
    const p = write("bom.sh", "\uFEFFecho 1\n");
    expect(await readSource(p, "bom.sh", { maxBytes: 100 })).toEqual({ ok: true, text: "echo 1\n", bom: true, crlf: false });
  });

  it("reports CRLF line endings", async () => {
    const p = write("crlf.sh", "echo 1\r\necho 2\r\n");
    expect(await readSource(p, "crlf.sh")).toEqual({ ok: true, text: "echo 1\r\necho 2\r\n", bom: false, crlf: true });
  });

  it("reads an empty file", async () => {
    expect(await readSource(write("empty.sh", ""), "empty.sh")).toEqual({ ok: true, text: "", bom: false, crlf: false });
  });

  it("skips a file over the size limit before reading it", async () => {
    const p = write("big.sh", "x".repeat(20));
    expect(noticeOf(await readSource(p, "big.sh", { maxBytes: 10 }))).toEqual({
      file: "big.sh",
      kind: "skipped",
      message: "file is 20 bytes, over the 10 bytes limit (maxFileSize); skipped",
    });
    expect((await readSource(p, "big.sh", { maxBytes: 20 })).ok).toBe(true);
  });

  it("defaults the limit to 5 MB", async () => {
    expect(DEFAULT_MAX_BYTES).toBe(5 * 1024 * 1024);
    const p = path.join(dir, "huge.c");
    fs.writeFileSync(p, "");
    fs.truncateSync(p, Math.round(7.3 * 1024 * 1024)); // sparse: nothing is really written
    expect(noticeOf(await readSource(p, "huge.c"))).toEqual({
      file: "huge.c",
      kind: "skipped",
      message: "file is 7.3 MB, over the 5 MB limit (maxFileSize); skipped",
    });
  });

  it("skips a binary file (NUL byte)", async () => {
    const p = write("bin.sh", new Uint8Array([0x65, 0x63, 0x00, 0x68]));
    const notice = noticeOf(await readSource(p, "bin.sh"));
    expect(notice).toMatchObject({ file: "bin.sh", kind: "skipped" });
    expect(notice.message).toMatch(/^binary file/);
  });

  it("skips invalid UTF-8", async () => {
    const p = write("latin1.sh", new Uint8Array([0x65, 0x63, 0x68, 0x6f, 0x20, 0xe9, 0x0a]));
    const notice = noticeOf(await readSource(p, "latin1.sh"));
    expect(notice).toMatchObject({ file: "latin1.sh", kind: "skipped" });
    expect(notice.message).toMatch(/^not valid UTF-8/);
  });

  it("reports a directory as unreadable", async () => {
    fs.mkdirSync(path.join(dir, "d.sh"));
    const notice = noticeOf(await readSource(path.join(dir, "d.sh"), "d.sh"));
    expect(notice).toEqual({ file: "d.sh", kind: "unreadable", message: "cannot read file: is a directory" });
  });

  it("reports a missing file as unreadable", async () => {
    const notice = noticeOf(await readSource(path.join(dir, "gone.sh"), "gone.sh"));
    expect(notice).toEqual({ file: "gone.sh", kind: "unreadable", message: "cannot read file: no such file or directory" });
  });

  it("reports a path under a regular file (ENOTDIR) as unreadable", async () => {
    const p = write("plain", "x");
    const notice = noticeOf(await readSource(path.join(p, "x.sh"), "plain/x.sh"));
    expect(notice).toEqual({ file: "plain/x.sh", kind: "unreadable", message: "cannot read file: a parent of the path is not a directory" });
    expectCleanMessage(notice);
  });

  it("reports a symlink loop (ELOOP) as unreadable", async () => {
    fs.symlinkSync("b.sh", path.join(dir, "a.sh"));
    fs.symlinkSync("a.sh", path.join(dir, "b.sh"));
    const notice = noticeOf(await readSource(path.join(dir, "a.sh"), "a.sh"));
    expect(notice).toEqual({ file: "a.sh", kind: "unreadable", message: "cannot read file: symlink loop" });
  });

  it("reports a permission error as unreadable", async () => {
    const p = write("locked.sh", "echo 1\n");
    // Tests run as root, which chmod 000 does not stop: fail the open itself, as Node.js would.
    vi.spyOn(fs, "openSync").mockImplementation(() => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: "EACCES", syscall: "open", path: p });
    });
    const notice = noticeOf(await readSource(p, "locked.sh"));
    expect(notice).toEqual({ file: "locked.sh", kind: "unreadable", message: "cannot read file: permission denied" });
    expectCleanMessage(notice);
  });

  it.skipIf(process.getuid?.() === 0)("reports a chmod 000 file as unreadable (not as root)", async () => {
    const p = write("mode0.sh", "echo 1\n");
    fs.chmodSync(p, 0);
    expect(noticeOf(await readSource(p, "mode0.sh")).message).toBe("cannot read file: permission denied");
  });

  it("skips a FIFO without blocking on it", async () => {
    const p = path.join(dir, "pipe.sh");
    try {
      execFileSync("mkfifo", [p]);
    } catch {
      return; // no mkfifo here
    }
    expect(noticeOf(await readSource(p, "pipe.sh"))).toEqual({ file: "pipe.sh", kind: "skipped", message: "not a regular file; skipped" });
  });
});

describe("error phrases and sizes", () => {
  it("maps error codes to short phrases", () => {
    expect(ioErrorPhrase({ code: "EACCES" })).toBe("permission denied");
    expect(ioErrorPhrase({ code: "EPERM" })).toBe("permission denied");
    expect(ioErrorPhrase({ code: "EWHATEVER" })).toBe("EWHATEVER");
    expect(ioErrorPhrase(new Error("boom"))).toBe("unknown error");
  });

  it("formats sizes", () => {
    expect(formatSize(1)).toBe("1 byte");
    expect(formatSize(1023)).toBe("1023 bytes");
    expect(formatSize(1536)).toBe("1.5 KB");
    expect(formatSize(5 * 1024 * 1024)).toBe("5 MB");
    expect(formatSize(Math.round(7.3 * 1024 * 1024))).toBe("7.3 MB");
  });
});

describe("readHead", () => {
  it("reads only the first bytes", async () => {
    const p = write("long", `#!/bin/sh\n${"x".repeat(5000)}`);
    expect(await readHead(p, 16)).toBe("#!/bin/sh\nxxxxxx");
    expect((await readHead(p))?.length).toBe(512);
  });

  it("returns the whole of a short file", async () => {
    expect(await readHead(write("short", "#!/bin/sh\n"))).toBe("#!/bin/sh\n");
  });

  it("returns undefined for what it cannot read", async () => {
    expect(await readHead(path.join(dir, "missing"))).toBeUndefined();
    expect(await readHead(dir)).toBeUndefined();
  });
});
