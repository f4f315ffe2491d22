/**
 * `partialFingerprints.primaryLocationLineHash`, computed as GitHub's upload action computes it
 * (github/codeql-action, src/fingerprints.ts, MIT licence): a port of its rolling hash, so that the
 * fingerprints in our SARIF agree with the ones the action would add itself. (Where a result
 * already carries one, the action keeps it and warns if it disagrees with its own.)
 *
 * The algorithm, as the action implements it:
 * - Line breaks `\r\n`, `\r` and `\n` all count as one `\n`; spaces and tabs are skipped entirely.
 * - A line's hash is a polynomial rolling hash (MOD 37, arithmetic modulo 2^64) of the BLOCK_SIZE
 *   characters (UTF-16 code units) that follow the line's first non-blank character, line breaks
 *   included. So it covers the line and, when the line is short, the lines after it.
 * - After the text come one EOF marker (65535) and enough zeros to complete the last window.
 * - The hash is printed as unsigned hexadecimal without leading zeros (so it may be shorter than
 *   16 digits), followed by `:` and how many times that hash has been seen so far in the file, so
 *   identical lines are told apart by their order.
 *
 * Line numbers here are the action's: a lone `\r` also ends a line (SourceText only splits at
 * `\n`; the two agree for LF and CRLF files).
 */

const TAB = 9;
const SPACE = 32;
const LF = 10;
const CR = 13;
const EOF = 65535;
const BLOCK_SIZE = 100;
const MOD = 37;
const TWO_32 = 2 ** 32;

/**
 * An unsigned 64-bit value as two unsigned 32-bit halves (as the action's `Long` keeps it). Plain
 * numbers, not BigInt: this is three times faster, and a large C file has a million characters.
 */
interface U64 {
  hi: number;
  lo: number;
}

/** `a * m` modulo 2^64, for a small non-negative integer `m` (< 2^16). */
function mulSmall(a: U64, m: number): U64 {
  const lo = a.lo * m; // < 2^48: exact
  const carry = Math.floor(lo / TWO_32);
  return { hi: (Math.imul(a.hi, m) + carry) >>> 0, lo: lo >>> 0 };
}

/** MOD^BLOCK_SIZE modulo 2^64: the weight of the character that leaves the window. */
const FIRST_MOD: U64 = Array.from({ length: BLOCK_SIZE }).reduce<U64>((acc) => mulSmall(acc, MOD), { hi: 0, lo: 1 });

/** `MOD * hash + current - FIRST_MOD * begin` modulo 2^64, as the action's `updateHash` computes it. */
function roll(hash: U64, current: number, begin: number): U64 {
  const shifted = mulSmall(hash, MOD);
  const out = mulSmall(FIRST_MOD, begin);
  let lo = shifted.lo + current - out.lo;
  let hi = shifted.hi - out.hi;
  if (lo >= TWO_32) {
    lo -= TWO_32;
    hi += 1;
  } else if (lo < 0) {
    lo += TWO_32;
    hi -= 1;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** Unsigned hexadecimal without leading zeros, as `Long.toUnsigned().toString(16)` prints it. */
function hex(v: U64): string {
  return v.hi === 0 ? v.lo.toString(16) : v.hi.toString(16) + v.lo.toString(16).padStart(8, "0");
}

/**
 * The fingerprint of every line of `text`: element `i` is the hash of line `i + 1`, formatted as
 * `"<hex>:<occurrence>"`. One pass over the text, like the action's `hash()`.
 */
export function hashLines(text: string): string[] {
  // The last BLOCK_SIZE characters, as a ring buffer; `index` is where the next one goes.
  const window = new Array<number>(BLOCK_SIZE).fill(0);
  // For each slot of the window: the line that starts with that character, or -1.
  const lineNumbers = new Array<number>(BLOCK_SIZE).fill(-1);
  const hashes: string[] = [];
  const seen = new Map<string, number>();
  let hash: U64 = { hi: 0, lo: 0 };
  let index = 0;
  let lineNumber = 0;
  let lineStart = true;
  let prevCR = false;

  // The slot at `index` holds a line start whose window is now complete: emit its hash.
  const output = (): void => {
    const value = hex(hash);
    const count = (seen.get(value) ?? 0) + 1;
    seen.set(value, count);
    hashes[(lineNumbers[index] as number) - 1] = `${value}:${count}`;
    lineNumbers[index] = -1;
  };

  const update = (current: number): void => {
    const begin = window[index] as number;
    window[index] = current;
    hash = roll(hash, current, begin);
    index = (index + 1) % BLOCK_SIZE;
  };

  const processCharacter = (code: number): void => {
    let current = code;
    if (current === SPACE || current === TAB || (prevCR && current === LF)) {
      prevCR = false;
      return;
    }
    if (current === CR) {
      current = LF;
      prevCR = true;
    } else {
      prevCR = false;
    }
    if (lineNumbers[index] !== -1) output();
    if (lineStart) {
      lineStart = false;
      lineNumber++;
      lineNumbers[index] = lineNumber;
    }
    if (current === LF) lineStart = true;
    update(current);
  };

  for (let i = 0; i < text.length; i++) processCharacter(text.charCodeAt(i));
  processCharacter(EOF);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (lineNumbers[index] !== -1) output();
    update(0);
  }
  return hashes;
}
