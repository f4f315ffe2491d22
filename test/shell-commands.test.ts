/** The shell command model: wrappers, words, and where each command sits (commands.ts). */
import { afterAll, describe, expect, it } from "vitest";
import { scriptRegion } from "../src/languages/hosts.js";
import { regionInfo, shellTextCommands, type ShellCommand } from "../src/languages/shell/commands.js";
import { TreeSitter } from "../src/languages/treesitter.js";

const ts = new TreeSitter();
afterAll(() => ts.dispose());

async function commands(text: string): Promise<ShellCommand[]> {
  const bash = await ts.grammar("bash");
  const region = scriptRegion(text);
  if (region.kind !== "shell") throw new Error("expected a shell region");
  const tree = ts.parse(bash, text);
  try {
    return shellTextCommands(tree, region, regionInfo(region, 0), 0, new Map());
  } finally {
    tree.delete();
  }
}

const brief = (c: ShellCommand) => `${c.wrappers.length ? `[${c.wrappers.join(" ")}] ` : ""}${c.name} ${c.args.map((a) => a.value).join(" ")}`.trim();

describe("wrappers and names", () => {
  it("strips sudo, exec, env, nohup, time, command, nice, timeout and absolute paths", async () => {
    const cmds = await commands(
      [
        "sudo -u app -E /usr/bin/docker ps",
        "exec nohup docker run x",
        "env -i A=1 B=2 docker rm -f x",
        "time command docker stop x",
        "nice -n 5 timeout 10 docker kill x",
        "command -v docker",
      ].join("\n"),
    );
    expect(cmds.map(brief)).toEqual([
      "[sudo] docker ps",
      "[exec nohup] docker run x",
      "[env] docker rm -f x",
      "[time command] docker stop x",
      "[nice timeout] docker kill x",
    ]);
    expect(cmds[1]?.exec).toBe(true);
  });

  it("resolves a variable holding the program, with or without braces", async () => {
    const cmds = await commands('DOCKER=/usr/bin/docker\n$DOCKER run a\nD="sudo docker"\n${D} rm -f a\n');
    expect(cmds.map(brief)).toEqual(["docker run a", "[sudo] docker rm -f a"]);
  });

  it("unquotes words and keeps expansions visible", async () => {
    const [c] = await commands(`docker run --name="web" -e 'K=V' "\${IMG}":v1 a\\ b\n`);
    expect(c?.args.map((a) => [a.value, a.static])).toEqual([
      ["run", true],
      ["--name=web", true],
      ["-e", true],
      ["K=V", true],
      ["${IMG}:v1", false],
      ["a b", true],
    ]);
  });

  it("maps word offsets to the text", async () => {
    const text = "  docker   run --rm img\n";
    const [c] = await commands(text);
    expect(text.slice(c?.start, c?.end)).toBe("docker   run --rm img");
    expect(c?.args.map((a) => text.slice(a.start, a.end))).toEqual(["run", "--rm", "img"]);
  });
});

describe("where a command sits", () => {
  it("tolerated and conditional across lists, if/elif, pipelines and !", async () => {
    const cmds = await commands(
      ["a || true", "b && c", "if d; then e; elif f; then g; else h; fi", "i | j", "! k", "l &"].join("\n"),
    );
    const flags = Object.fromEntries(cmds.map((c) => [c.name, `${c.tolerated ? "T" : "-"}${c.conditional ? "C" : "-"}${c.background ? "B" : "-"}`]));
    expect(flags).toEqual({
      a: "T--",
      true: "-C-",
      b: "T--",
      c: "-C-",
      d: "T--",
      e: "-C-",
      f: "TC-",
      g: "-C-",
      h: "-C-",
      i: "T--",
      j: "---",
      k: "T--",
      l: "--B",
    });
  });

  it("tracks set -e, set +e and set -o errexit in order", async () => {
    const cmds = await commands("a\nset -eu\nb\nset +e\nc\nset -o errexit\nd\n");
    expect(cmds.filter((c) => c.name !== "set").map((c) => [c.name, c.errexit])).toEqual([
      ["a", false],
      ["b", true],
      ["c", false],
      ["d", true],
    ]);
  });

  it("a -e shebang turns errexit on from the start", async () => {
    const [c] = await commands("#!/bin/sh -e\ndocker rm x\n");
    expect(c?.errexit).toBe(true);
  });

  it("marks commands in functions and substitutions", async () => {
    const cmds = await commands("f() { docker rm x; }\nid=$(docker ps -q)\n");
    expect(cmds.map((c) => [c.name, c.inFunction, c.inSubstitution])).toEqual([
      ["docker", true, false],
      ["docker", false, true],
    ]);
  });
});
