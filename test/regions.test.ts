/** Finding the region that holds a host offset (regions.ts `regionLocator`). */
import { describe, expect, it } from "vitest";
import { NO_PRECEDING_SCOPES, regionLocator, type ShellRegion } from "../src/languages/regions.js";
import { seeded } from "./support/random.js";

function region(hostStart: number, hostEnd: number, label: string): ShellRegion {
  return {
    kind: "argv",
    origin: "systemd-exec",
    scope: "unit",
    precededBy: NO_PRECEDING_SCOPES,
    assumptions: {},
    label,
    hostStart,
    hostEnd,
    words: [],
  };
}


describe("regionLocator", () => {
  it("answers as regions.find does: disjoint, nested, overlapping, empty and out-of-order regions", () => {
    const next = seeded(20141222);
    for (let round = 0; round < 200; round++) {
      const regions: ShellRegion[] = [];
      const count = Math.floor(next() * 12);
      for (let i = 0; i < count; i++) {
        const start = Math.floor(next() * 60);
        const length = next() < 0.15 ? 0 : Math.floor(next() * (next() < 0.2 ? 60 : 8));
        regions.push(region(start, start + length, `r${i}`));
      }
      const at = regionLocator(regions);
      for (let offset = -1; offset < 130; offset++) {
        expect(at(offset)?.label, `round ${round}, offset ${offset}`).toBe(regions.find((g) => offset >= g.hostStart && offset < g.hostEnd)?.label);
      }
    }
  });

  it("an Exec line's argv region and the sh -c script inside it: the first listed wins", () => {
    const line = region(10, 60, "ExecStartPre");
    const script = region(25, 59, "sh -c");
    expect(regionLocator([line, script])(30)?.label).toBe("ExecStartPre");
    expect(regionLocator([script, line])(30)?.label).toBe("sh -c");
    expect(regionLocator([script, line])(12)?.label).toBe("ExecStartPre");
    expect(regionLocator([line, script])(60)).toBeUndefined();
  });
});
