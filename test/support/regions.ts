/**
 * Checks on shell regions shared by the host adapters' tests (test/*-adapter.test.ts).
 */
import { expect } from "vitest";
import { toHost, type ArgvRegion, type ShellRegion, type ShellTextRegion } from "../../src/languages/regions.js";

export interface MappingReport {
  /** Region offsets that no segment covers: characters the extraction synthesised. */
  unmapped: number[];
  /** Mapped characters that differ from the host character at their offset, as `region<-host` (make's `${X}` for `$(X)`). */
  replaced: string[];
}

/**
 * Checks a shell region's map against its host — segments non-empty, sorted and disjoint in both
 * texts, inside the region's host range (and the host); `toHost` agrees with the segments, and
 * every offset maps into `[hostStart, hostEnd)`; no `\r` in the text — and reports the characters
 * that do not simply map back to themselves.
 */
export function checkMapping(region: ShellTextRegion, host: string): MappingReport {
  expect(region.text).not.toContain("\r");
  expect(region.hostEnd).toBeLessThanOrEqual(host.length);
  let regionEnd = 0;
  let hostEnd = region.hostStart;
  for (const s of region.map) {
    expect(s.length).toBeGreaterThan(0);
    expect(s.regionStart).toBeGreaterThanOrEqual(regionEnd);
    expect(s.hostStart).toBeGreaterThanOrEqual(hostEnd);
    regionEnd = s.regionStart + s.length;
    hostEnd = s.hostStart + s.length;
  }
  expect(hostEnd).toBeLessThanOrEqual(region.hostEnd);
  expect(regionEnd).toBeLessThanOrEqual(region.text.length);
  const report: MappingReport = { unmapped: [], replaced: [] };
  for (let i = 0; i < region.text.length; i++) {
    const seg = region.map.find((s) => i >= s.regionStart && i < s.regionStart + s.length);
    if (!seg) {
      report.unmapped.push(i);
      continue;
    }
    const h = seg.hostStart + (i - seg.regionStart);
    expect(toHost(region.map, i), `toHost of region char ${i}`).toBe(h);
    expect(h).toBeGreaterThanOrEqual(region.hostStart);
    expect(h).toBeLessThan(region.hostEnd);
    if (host[h] !== region.text[i]) report.replaced.push(`${region.text[i]}<-${host[h]}`);
  }
  return report;
}

/**
 * Every mapped character equals the host character at its offset; returns the offsets of the
 * unmapped (synthesised) characters — a space that replaced a continuation backslash, the
 * character an escape like `\n` decodes to — which each test pins down (Dockerfile, systemd).
 */
export function syntheticOffsets(region: ShellTextRegion, host: string): number[] {
  const { unmapped, replaced } = checkMapping(region, host);
  expect(replaced, "mapped characters that differ from the host").toEqual([]);
  return unmapped;
}

/** Every character of the region text is the host character it maps to: nothing synthesised (upstart). */
export function expectFaithful(region: ShellTextRegion, host: string): void {
  expect(checkMapping(region, host)).toEqual({ unmapped: [], replaced: [] });
}

/** The host text a piece of region text maps to (both ends mapped). */
export function hostSlice(region: ShellTextRegion, host: string, needle: string): string {
  const at = region.text.indexOf(needle);
  expect(at, `${needle} in ${region.text}`).toBeGreaterThanOrEqual(0);
  return host.slice(toHost(region.map, at), toHost(region.map, at + needle.length - 1) + 1);
}

/** Host offset of the `n`-th occurrence of `needle`. */
export function at(text: string, needle: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    if (i === -1) throw new Error(`${needle} not found`);
  }
  return i;
}

export const crlf = (s: string): string => s.replace(/\n/g, "\r\n");

export const shellOnly = (rs: readonly ShellRegion[]): ShellTextRegion[] => rs.filter((r): r is ShellTextRegion => r.kind === "shell");
export const argvOnly = (rs: readonly ShellRegion[]): ArgvRegion[] => rs.filter((r): r is ArgvRegion => r.kind === "argv");
