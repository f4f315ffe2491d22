/** The shell command model: wrappers, words, and where each command sits (commands.ts). */
import { afterAll, describe, expect, it, vi } from "vitest";
import { Node } from "web-tree-sitter";
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

  it("& puts the whole statement before it in the background: lists, pipelines, groups, redirections", async () => {
    const cmds = await commands(["a && b &", "c | d &", "{ e; f; } &", "g || h > log &", "i & j", "k && l"].join("\n"));
    expect(Object.fromEntries(cmds.map((c) => [c.name, c.background]))).toEqual({
      a: true,
      b: true,
      c: true,
      d: true,
      e: true,
      f: true,
      g: true,
      h: true,
      i: true,
      j: false,
      k: false,
      l: false,
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

describe("what the walk asks of web-tree-sitter", () => {
  /** `n` commands in one `if` in a function: every command shares the same wide ancestors. */
  const script = (n: number): string =>
    [
      "deploy() {",
      '  if [ -n "$X" ]; then',
      ...Array.from({ length: n }, (_, i) => `    docker run --name app${i} img:${i} || echo "failed $(date) ${i}"`),
      "  elif true; then",
      "    docker run --name last img",
      "  fi",
      "}",
      "deploy",
    ].join("\n");

  // Tree-sitter finds a node's parent by descending from the root, scanning each ancestor's
  // children, and a sibling through its parent: asked for every command, a 200 KB script of 3,000
  // commands in one `if` took 35 s. Each ancestor is asked once per region now, whatever the number
  // of commands under it.
  it("asks for parents and siblings once per ancestor, not once per command", async () => {
    const parent = vi.spyOn(Node.prototype, "parent", "get");
    const nextSibling = vi.spyOn(Node.prototype, "nextSibling", "get");
    try {
      const asked = async (n: number) => {
        parent.mockClear();
        nextSibling.mockClear();
        const cmds = await commands(script(n));
        return { commands: cmds.length, parent: parent.mock.calls.length, nextSibling: nextSibling.mock.calls.length };
      };
      const few = await asked(10);
      const many = await asked(500);
      expect(many.commands - few.commands).toBe(3 * 490);
      expect(many.parent).toBe(few.parent);
      expect(many.parent).toBeLessThan(20);
      expect(many.nextSibling).toBe(0);
    } finally {
      parent.mockRestore();
      nextSibling.mockRestore();
    }
  });

  it("reads each command's place off the shared ancestors as before", async () => {
    const cmds = await commands(script(3));
    expect(cmds.map((c) => `${c.name}:${c.tolerated ? "T" : "-"}${c.conditional ? "C" : "-"}${c.background ? "B" : "-"}${c.inFunction ? "F" : "-"}${c.inSubstitution ? "S" : "-"}`)).toEqual([
      "docker:TC-F-",
      "echo:-C-F-",
      "date:-C-FS",
      "docker:TC-F-",
      "echo:-C-F-",
      "date:-C-FS",
      "docker:TC-F-",
      "echo:-C-F-",
      "date:-C-FS",
      "true:TC-F-",
      "docker:-C-F-",
      "deploy:-----",
    ]);
    expect(cmds.filter((c) => c.tail).map((c) => c.name)).toEqual(["deploy"]);
  });

  // tree-sitter nests `a && b && c` as `(a && b) && c`: a chain of n commands is n lists deep, and
  // what each level adds to the commands below it is worked out once, not once per command.
  it("reads the place of each command of a long && chain, and of the statements around it", async () => {
    const n = 60;
    const chain = Array.from({ length: n }, (_, i) => `c${i}`).join(" && ");
    const cmds = await commands(`${chain} &\nif ${chain}; then x; fi\necho "$(${chain})" | tail\n`);
    const place = (c: ShellCommand): string =>
      `${c.tolerated ? "T" : "-"}${c.conditional ? "C" : "-"}${c.background ? "B" : "-"}${c.inSubstitution ? "S" : "-"}`;
    const expected = (i: number, around: { T?: boolean; C?: boolean; B?: boolean; S?: boolean }): string =>
      `${i < n - 1 || around.T ? "T" : "-"}${i > 0 || around.C ? "C" : "-"}${around.B ? "B" : "-"}${around.S ? "S" : "-"}`;
    const names = cmds.map((c) => c.name);
    const chained = Array.from({ length: n }, (_, i) => `c${i}`);
    expect(names).toEqual([...chained, ...chained, "x", "echo", ...chained, "tail"]);
    expect(cmds.slice(0, n).map(place)).toEqual(Array.from({ length: n }, (_, i) => expected(i, { B: true })));
    // In the condition of an `if`: every one is tolerated.
    expect(cmds.slice(n, 2 * n).map(place)).toEqual(Array.from({ length: n }, (_, i) => expected(i, { T: true })));
    expect(place(cmds[2 * n] as ShellCommand)).toBe("-C--");
    // In a substitution on the left of a pipe: tolerated (not the pipeline's last), in a substitution.
    expect(place(cmds[2 * n + 1] as ShellCommand)).toBe("T---");
    expect(cmds.slice(2 * n + 2, 3 * n + 2).map(place)).toEqual(Array.from({ length: n }, (_, i) => expected(i, { T: true, S: true })));
    expect(place(cmds[3 * n + 2] as ShellCommand)).toBe("----");
  });
});
