import { describe, expect, it } from "vitest";
import {
  buildGraph,
  makeExpander,
  makeShellRegions,
  type MakeDoc,
  type MakeRule,
  parseMakefile,
  patternStem,
  precedingScopes,
} from "../src/languages/make/index.js";
import { type ShellTextRegion, toHost } from "../src/languages/regions.js";
import { TreeSitter } from "../src/languages/treesitter.js";
import { at, checkMapping, crlf } from "./support/regions.js";

// ---------------------------------------------------------------------------------------------
// Helpers

function regions(text: string): ShellTextRegion[] {
  return makeShellRegions(parseMakefile(text), text);
}

/**
 * Checks the map (see support/regions.ts): every character is covered, and returns the ones that
 * do not map back to the same character of the host, as `region<-host` pairs: the characters the
 * extraction synthesised.
 */
function synthesised(region: ShellTextRegion, host: string): string[] {
  const { unmapped, replaced } = checkMapping(region, host);
  expect(unmapped, "region characters no segment covers").toEqual([]);
  return replaced;
}

function rule(doc: MakeDoc, target: string, n = 0): MakeRule {
  const found = doc.rules.filter((r) => r.targets.includes(target))[n];
  if (!found) throw new Error(`no rule for ${target}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// The Makefile from "Continuously Deploying Django with Docker", the image line restored

const WHEELS = `ROOT_DIR:=$(shell dirname $(realpath $(lastword $(MAKEFILE_LIST))))
APP=antisocial
REPO=thraxil
WHEELHOUSE=wheelhouse
REQUIREMENTS=requirements.txt
IMAGE=$(REPO)/$(APP)

$(WHEELHOUSE)/requirements.txt: $(REQUIREMENTS)
\tmkdir -p $(WHEELHOUSE)
\tdocker run --rm \\
\t-v $(ROOT_DIR):/app \\
\t-v $(ROOT_DIR)/$(WHEELHOUSE):/wheelhouse \\
\tccnmtl/django.build
\tcp $(REQUIREMENTS) $(WHEELHOUSE)/requirements.txt
\ttouch $(WHEELHOUSE)/requirements.txt

build: $(WHEELHOUSE)/requirements.txt
\tdocker build -t $(IMAGE) .

push: build
\tdocker push $(IMAGE)

.PHONY: build push
`;

// ---------------------------------------------------------------------------------------------

describe("parseMakefile: rules and recipe lines", () => {
  it("reads the Django Makefile", () => {
    const doc = parseMakefile(WHEELS);
    expect(doc.rules.map((r) => [r.targets, r.prerequisites, r.recipe.length])).toEqual([
      [["$(WHEELHOUSE)/requirements.txt"], ["$(REQUIREMENTS)"], 4],
      [["build"], ["$(WHEELHOUSE)/requirements.txt"], 1],
      [["push"], ["build"], 1],
      [[".PHONY"], ["build", "push"], 0],
    ]);
    expect(doc.variables.map((v) => [v.name, v.op, v.value])).toEqual([
      ["ROOT_DIR", ":=", "$(shell dirname $(realpath $(lastword $(MAKEFILE_LIST))))"],
      ["APP", "=", "antisocial"],
      ["REPO", "=", "thraxil"],
      ["WHEELHOUSE", "=", "wheelhouse"],
      ["REQUIREMENTS", "=", "requirements.txt"],
      ["IMAGE", "=", "$(REPO)/$(APP)"],
    ]);
    const run = rule(doc, "$(WHEELHOUSE)/requirements.txt").recipe[1];
    expect(WHEELS.slice(run?.start, run?.end)).toBe(
      "\tdocker run --rm \\\n\t-v $(ROOT_DIR):/app \\\n\t-v $(ROOT_DIR)/$(WHEELHOUSE):/wheelhouse \\\n\tccnmtl/django.build",
    );
    expect(run?.textStart).toBe(at(WHEELS, "docker run"));
    const r = rule(doc, "$(WHEELHOUSE)/requirements.txt");
    expect(WHEELS.slice(r.start, r.start + 32)).toBe("$(WHEELHOUSE)/requirements.txt: ");
    expect(WHEELS.slice(r.start, r.end).endsWith("\ttouch $(WHEELHOUSE)/requirements.txt")).toBe(true);
  });

  it.each([
    ["\t@echo hi", "@", "echo hi"],
    ["\t-rm -f x", "-", "rm -f x"],
    ["\t@-docker rm -f web", "@-", "docker rm -f web"],
    ["\t-@docker rm -f web", "-@", "docker rm -f web"],
    ["\t+$(MAKE) -C sub", "+", "$(MAKE) -C sub"],
    ["\t@ - \tdocker rm web", "@-", "docker rm web"],
    ["\t  echo indented", "", "echo indented"],
  ])("reads the prefixes of %j", (line, prefixes, command) => {
    const text = `all:\n${line}\n`;
    const [recipe] = parseMakefile(text).rules[0]?.recipe ?? [];
    expect(recipe?.prefixes).toBe(prefixes);
    expect(text.slice(recipe?.textStart, recipe?.end)).toBe(command);
  });

  it("joins backslash-continued rule lines", () => {
    const text = "deploy: build \\\n        migrate \\\n\tcollectstatic\n\t./deploy.sh\n";
    const doc = parseMakefile(text);
    expect(doc.rules[0]?.prerequisites).toEqual(["build", "migrate", "collectstatic"]);
    expect(doc.rules[0]?.recipe.map((l) => text.slice(l.textStart, l.end))).toEqual(["./deploy.sh"]);
  });

  it("reads the `target: prereq ; command` form, where `#` belongs to the command", () => {
    const text = "all: build ; @echo '# done' # said\n\techo more\nclean: ; -rm -rf out\n";
    const doc = parseMakefile(text);
    const all = rule(doc, "all");
    expect(all.prerequisites).toEqual(["build"]);
    expect(all.recipe.map((l) => [l.sameLine, l.prefixes, text.slice(l.textStart, l.end)])).toEqual([
      [true, "@", "echo '# done' # said"],
      [false, "", "echo more"],
    ]);
    expect(all.recipe[0]?.start).toBe(at(text, ";") + 1);
    expect(rule(doc, "clean").recipe.map((l) => [l.prefixes, text.slice(l.textStart, l.end)])).toEqual([
      ["-", "rm -rf out"],
    ]);
    // a `#` before the `;` makes it a comment
    expect(parseMakefile("a: b # c ; d\n").rules[0]?.recipe).toEqual([]);
    // a `;` inside a variable reference is not the separator
    expect(parseMakefile("a: $(subst ;, ,x);echo\n").rules[0]?.prerequisites).toEqual(["$(subst ;, ,x)"]);
  });

  it("keeps blank lines, comment lines and conditionals inside a recipe", () => {
    const text = `deploy:
\tdocker pull $(IMAGE)

# restart
ifeq ($(ENV),prod)
\tdocker rm -f web || true
else
  ifdef DEBUG
\techo debug
  endif
endif
\tdocker run --name=web $(IMAGE)
`;
    const doc = parseMakefile(text);
    expect(doc.rules).toHaveLength(1);
    expect(doc.rules[0]?.recipe.map((l) => text.slice(l.textStart, l.end))).toEqual([
      "docker pull $(IMAGE)",
      "docker rm -f web || true",
      "echo debug",
      "docker run --name=web $(IMAGE)",
    ]);
    expect(doc.rules[0]?.end).toBe(text.length - 1);
  });

  it("ends a recipe at a variable assignment, an include or a directive", () => {
    for (const closer of ["X = 1", "override X += 2", "export X := 3", "include other.mk", "export", "vpath %.c src"]) {
      const text = `a:\n\techo a\n${closer}\n\techo orphan\n`;
      const doc = parseMakefile(text);
      expect(doc.rules.map((r) => r.recipe.length), closer).toEqual([1]);
    }
  });

  it("passes a tab line to the shell even when it looks like a directive or a comment", () => {
    const text = "a:\n\tifeq x\n\t# comment for the shell\n";
    expect(parseMakefile(text).rules[0]?.recipe.map((l) => text.slice(l.textStart, l.end))).toEqual([
      "ifeq x",
      "# comment for the shell",
    ]);
  });

  it("skips define … endef blocks, nested ones too, and records them as variables", () => {
    const text = `define RUN_WEB =
\tdocker run --name=web \\
\t  $(IMAGE)
define INNER
x
endef
endef
a:
\techo a
export define B
\techo not a recipe
endef
\techo orphan
`;
    const doc = parseMakefile(text);
    expect(doc.rules.map((r) => [r.targets, r.recipe.length])).toEqual([[["a"], 1]]);
    expect(doc.variables.map((v) => [v.name, v.op, v.modifiers])).toEqual([
      ["RUN_WEB", "define", []],
      ["B", "define", ["export"]],
    ]);
    expect(doc.variables[0]?.value).toBe("\tdocker run --name=web \\\n\t  $(IMAGE)\ndefine INNER\nx\nendef");
  });

  it("reads pattern, double-colon, static pattern, grouped and order-only rules", () => {
    const text = `%.o: %.c
\t$(CC) -c $< -o $@
clean::
\trm -f *.o
clean::
\trm -rf out
$(OBJS): %.o: %.c | out
\t$(CC) -c $<
a b &: c
\tgen a b
out:
\tmkdir -p out
`;
    const doc = parseMakefile(text);
    expect(
      doc.rules.map((r) => [r.targets, r.prerequisites, r.orderOnly, r.doubleColon, r.targetPattern ?? null]),
    ).toEqual([
      [["%.o"], ["%.c"], [], false, null],
      [["clean"], [], [], true, null],
      [["clean"], [], [], true, null],
      [["$(OBJS)"], ["%.c"], ["out"], false, "%.o"],
      [["a", "b"], ["c"], [], false, null],
      [["out"], [], [], false, null],
    ]);
  });

  it("records target-specific variables instead of rules", () => {
    const text = "build: IMAGE = web:dev\n\techo orphan\nbuild: export TAG := 1\n";
    const doc = parseMakefile(text);
    expect(doc.rules).toEqual([]);
    expect(doc.variables.map((v) => [v.targets, v.name, v.op, v.value, v.modifiers])).toEqual([
      [["build"], "IMAGE", "=", "web:dev", []],
      [["build"], "TAG", ":=", "1", ["export"]],
    ]);
  });

  it("reads every assignment operator, and `export` as a variable name", () => {
    const text = "A = 1\nB := 2\nC ::= 3\nD :::= 4\nE ?= 5\nF += 6\nG != date\nexport = 7\nH=a \\\n  b\n";
    expect(parseMakefile(text).variables.map((v) => [v.name, v.op, v.value])).toEqual([
      ["A", "=", "1"],
      ["B", ":=", "2"],
      ["C", "::=", "3"],
      ["D", ":::=", "4"],
      ["E", "?=", "5"],
      ["F", "+=", "6"],
      ["G", "!=", "date"],
      ["export", "=", "7"],
      ["H", "=", "a b"],
    ]);
  });

  it("records includes", () => {
    const doc = parseMakefile("include common.mk $(ENV).mk\n-include local.mk\nsinclude x.mk\n");
    expect(doc.includes.map((i) => [i.optional, i.paths])).toEqual([
      [false, ["common.mk", "$(ENV).mk"]],
      [true, ["local.mk"]],
      [true, ["x.mk"]],
    ]);
  });

  it("honours .RECIPEPREFIX", () => {
    const text = ".RECIPEPREFIX = >\nall:\n>docker run --rm \\\n>  alpine true\n\techo not a recipe\n";
    const doc = parseMakefile(text);
    expect(doc.rules[0]?.recipe).toHaveLength(1);
    const [r] = makeShellRegions(doc, text);
    expect(r?.text).toBe("docker run --rm \\\n  alpine true");
  });

  it("ignores recipe lines of a rule without targets", () => {
    expect(parseMakefile(": x\n\techo a\n").rules.map((r) => r.recipe.length)).toEqual([0]);
  });
});

describe("makeShellRegions: text and map", () => {
  it("keeps backslash-newlines, drops continuation tabs and rewrites $(VAR) as ${VAR}", () => {
    const rs = regions(WHEELS);
    const run = rs[1] as ShellTextRegion;
    expect(run.text).toBe(
      "docker run --rm \\\n-v ${ROOT_DIR}:/app \\\n-v ${ROOT_DIR}/${WHEELHOUSE}:/wheelhouse \\\nccnmtl/django.build",
    );
    expect(synthesised(run, WHEELS)).toEqual(["{<-(", "}<-)", "{<-(", "}<-)", "{<-(", "}<-)"]);
    expect(run.map.length).toBe(4); // one segment per physical line
    expect(toHost(run.map, run.text.indexOf("ccnmtl"))).toBe(at(WHEELS, "ccnmtl"));
    expect(run).toMatchObject({
      origin: "make-recipe",
      scope: "make:$(WHEELHOUSE)/requirements.txt",
      label: "$(WHEELHOUSE)/requirements.txt",
      hostStart: at(WHEELS, "\tdocker run"),
      hostEnd: at(WHEELS, "ccnmtl/django.build") + "ccnmtl/django.build".length,
      assumptions: { errexit: true, failureTolerated: false },
    });
  });

  it("maps CRLF Makefiles without \\r in the shell text", () => {
    const text = crlf(WHEELS);
    const lf = regions(WHEELS);
    const rs = regions(text);
    expect(rs.map((r) => r.text)).toEqual(lf.map((r) => r.text));
    for (const r of rs) {
      expect(synthesised(r, text).every((s) => /^[{}]<-[()]$/.test(s))).toBe(true);
    }
    const run = rs[1] as ShellTextRegion;
    expect(toHost(run.map, run.text.indexOf("ccnmtl"))).toBe(at(text, "ccnmtl"));
  });

  it("turns $$ into $, mapped to the first $", () => {
    const text = "env:\n\t@echo $$HOME $$$$ '$$(not make)'\n";
    const [r] = regions(text);
    expect(r?.text).toBe("echo $HOME $$ '$(not make)'");
    expect(synthesised(r as ShellTextRegion, text)).toEqual([]);
    expect(toHost(r?.map ?? [], r?.text.indexOf("$HOME") ?? -1)).toBe(at(text, "$$HOME"));
    expect(toHost(r?.map ?? [], r?.text.indexOf("HOME") ?? -1)).toBe(at(text, "HOME"));
  });

  it("rewrites automatic variables that are not shell parameters, keeps $@ $* $?", () => {
    const text = "%.o: %.c\n\t$(CC) -c $< -o $@ $^ $+ $| $* $? $(@D) $(<F)\n";
    const [r] = regions(text);
    expect(r?.text).toBe("${CC} -c $_ -o $@ $_ $_ $_ $* $? ${_D} ${_F}");
    expect(synthesised(r as ShellTextRegion, text)).toEqual([
      "{<-(",
      "}<-)",
      "_<-<",
      "_<-^",
      "_<-+",
      "_<-|",
      "{<-(",
      "_<-@",
      "}<-)",
      "{<-(",
      "_<-<",
      "}<-)",
    ]);
  });

  it("turns function calls into one expansion of the same length", () => {
    const text = "up:\n\tdocker run -v $(shell pwd):/app ${IMAGE} $(subst :, ,$(TAG)) x\n";
    const [r] = regions(text);
    expect(r?.text).toBe("docker run -v ${shell_pwd}:/app ${IMAGE} ${subst_______TAG_} x");
    expect(r?.text.length).toBe(text.indexOf("\n", 5) - text.indexOf("docker"));
    expect(synthesised(r as ShellTextRegion, text)).toHaveLength(13);
  });

  it("leaves an unclosed reference alone", () => {
    const [r] = regions("a:\n\techo $(oops\n");
    expect(r?.text).toBe("echo $(oops");
  });

  it("produces text tree-sitter-bash parses without errors", async () => {
    const ts = new TreeSitter();
    const bash = await ts.grammar("bash");
    const texts = [
      ...regions(WHEELS),
      ...regions("%.o: %.c\n\t$(CC) -c $< -o $@ $(CFLAGS) $(@D)/x && cp $^ $(dir $@)\n"),
      ...regions("up:\n\tdocker run -v $(shell pwd):/app --name=$(APP) $(IMAGE) || true\n"),
    ].map((r) => r.text);
    for (const t of texts) {
      const tree = ts.parse(bash, t);
      expect(tree.rootNode.hasError, t).toBe(false);
      tree.delete();
    }
    ts.dispose();
  });

  it("has no region for blank recipe lines, and maps a same-line recipe", () => {
    const text = "a: ; docker rm -f web\n\t\n\t@\n";
    const rs = regions(text);
    expect(rs.map((r) => r.text)).toEqual(["docker rm -f web"]);
    expect(synthesised(rs[0] as ShellTextRegion, text)).toEqual([]);
    expect(rs[0]?.hostStart).toBe(at(text, ";") + 1);
  });

  it("keeps every character of a continued recipe line mapped", () => {
    const text = "t:\n\t@-docker run \\\n\t\t--rm \\\n    -e X=$$Y \\\n\t$(IMAGE)\n";
    const [r] = regions(text);
    // the first tab of each continuation line is the recipe prefix; a second tab or spaces stay
    expect(r?.text).toBe("docker run \\\n\t--rm \\\n    -e X=$Y \\\n${IMAGE}");
    expect(synthesised(r as ShellTextRegion, text)).toEqual(["{<-(", "}<-)"]);
    expect(r?.assumptions).toEqual({ errexit: false, failureTolerated: true });
  });
});

describe("makeShellRegions: scopes and assumptions", () => {
  it("gives each rule its scope and the scopes of its prerequisites' recipes", () => {
    const rs = regions(WHEELS);
    expect(rs.map((r) => [r.scope, r.precededBy()])).toEqual([
      ["make:$(WHEELHOUSE)/requirements.txt", []],
      ["make:$(WHEELHOUSE)/requirements.txt", []],
      ["make:$(WHEELHOUSE)/requirements.txt", []],
      ["make:$(WHEELHOUSE)/requirements.txt", []],
      ["make:build", ["make:$(WHEELHOUSE)/requirements.txt"]],
      ["make:push", ["make:$(WHEELHOUSE)/requirements.txt", "make:build"]],
    ]);
  });

  it("lists prerequisites transitively in the order make runs them, through targets without recipes", () => {
    const text = `deploy: all migrate
\t./deploy.sh
all: build test
build: wheels
\tdocker build .
wheels:
\tpip wheel .
test: build
\tdocker run --rm app test
migrate: | build
\tdocker run --rm app migrate
`;
    const byScope = new Map(regions(text).map((r) => [r.scope, r.precededBy()]));
    expect(byScope.get("make:deploy")).toEqual(["make:wheels", "make:build", "make:test", "make:migrate"]);
    expect(byScope.get("make:migrate")).toEqual(["make:wheels", "make:build"]);
    expect(byScope.get("make:wheels")).toEqual([]);
  });

  it("ends on cycles", () => {
    const text = "a: b\n\techo a\nb: c\n\techo b\nc: a\n\techo c\nself: self\n\techo self\n";
    const byScope = new Map(regions(text).map((r) => [r.scope, r.precededBy()]));
    expect(byScope.get("make:a")).toEqual(["make:c", "make:b"]);
    expect(byScope.get("make:b")).toEqual(["make:a", "make:c"]);
    expect(byScope.get("make:self")).toEqual([]);
  });

  it("merges the prerequisites of several rules for one target; the recipe belongs to the rule that has it", () => {
    const text = [
      "build: wheels",
      "build: assets",
      "\tdocker build .",
      "build: config",
      "wheels:",
      "\tpip wheel .",
      "assets:",
      "\tnpm run build",
      "config:",
      "\tcp a b",
      "",
    ].join("\n");
    const rs = regions(text);
    const build = rs.find((r) => r.scope === "make:build");
    expect(build?.precededBy()).toEqual(["make:wheels", "make:assets", "make:config"]);
  });

  it("matches prerequisites through the Makefile's variables and pattern rules", () => {
    const text = `APP = web
OBJ = main.o
$(APP): $(OBJ)
\t$(CC) -o $@ $^
%.o: %.c gen.h
\t$(CC) -c $<
gen.h:
\t./gen > $@
release: web
\tdocker build .
`;
    const byScope = new Map(regions(text).map((r) => [r.scope, r.precededBy()]));
    expect(byScope.get("make:$(APP)")).toEqual(["make:gen.h", "make:%.o"]);
    expect(byScope.get("make:release")).toEqual(["make:gen.h", "make:%.o", "make:$(APP)"]);
  });

  it("lists a rule's preceding scopes once, for all its lines", () => {
    const text = "all: b\n\techo one\n\techo two\nb:\n\techo b\n";
    const [one, two] = regions(text).filter((r) => r.scope === "make:all");
    expect(one?.precededBy()).toEqual(["make:b"]);
    expect(two?.precededBy()).toBe(one?.precededBy());
  });

  it("gives double-colon rules their own prerequisites under one scope", () => {
    const text = "clean:: a\n\trm x\nclean:: b\n\trm y\na:\n\techo a\nb:\n\techo b\n";
    const rs = regions(text).filter((r) => r.scope === "make:clean");
    expect(rs.map((r) => r.precededBy())).toEqual([["make:a"], ["make:b"]]);
  });

  it("tolerates failures of `-` lines and of .IGNORE targets", () => {
    const text = ".IGNORE: clean\nclean:\n\tdocker rm web\nrun:\n\t-docker rm web\n\tdocker run --name=web app\n";
    expect(regions(text).map((r) => [r.label, r.assumptions])).toEqual([
      ["clean", { errexit: false, failureTolerated: true }],
      ["run", { errexit: false, failureTolerated: true }],
      ["run", { errexit: true, failureTolerated: false }],
    ]);
    const all = regions(".IGNORE:\nrun:\n\tdocker run app\n");
    expect(all[0]?.assumptions).toEqual({ errexit: false, failureTolerated: true });
  });

  it("runs the shell with -e under .POSIX or .SHELLFLAGS = -ec", () => {
    for (const header of [".POSIX:\n", ".SHELLFLAGS := -ec\n"]) {
      const [r] = regions(`${header}run:\n\t-docker rm web\n`);
      expect(r?.assumptions).toEqual({ errexit: true, failureTolerated: true });
    }
  });

  it("makes a .ONESHELL recipe one region, prefixes removed from every line", () => {
    const text = crlf(
      ".ONESHELL:\nrun:\n\t-docker rm -f web\n\t# restart\n\t@docker run --rm \\\n\t  --name=web $(IMAGE)\n",
    );
    const rs = regions(text);
    expect(rs).toHaveLength(1);
    const r = rs[0] as ShellTextRegion;
    expect(r.text).toBe("docker rm -f web\n# restart\ndocker run --rm \\\n  --name=web ${IMAGE}");
    expect(r.assumptions).toEqual({ errexit: false, failureTolerated: true });
    expect(synthesised(r, text)).toEqual(["{<-(", "}<-)"]);
    expect(r.hostStart).toBe(at(text, "\t-docker"));
    expect(r.hostEnd).toBe(at(text, "$(IMAGE)") + "$(IMAGE)".length);
    const [posix] = regions(".ONESHELL:\n.POSIX:\nrun:\n\tdocker rm web\n\tdocker run web\n");
    expect(posix?.assumptions).toEqual({ errexit: true, failureTolerated: false });
  });

  it("has no regions for rules without recipes nor for special targets but .DEFAULT", () => {
    expect(regions(".PHONY: all\nall: build\n")).toEqual([]);
    const text = ".PHONY: deploy\n\tdocker run --name=web app\n.DEFAULT:\n\techo no rule for $@\n";
    expect(parseMakefile(text).rules.map((r) => [r.targets, r.recipe.length])).toEqual([
      [[".PHONY"], 1],
      [[".DEFAULT"], 1],
    ]);
    expect(regions(text).map((r) => r.label)).toEqual([".DEFAULT"]);
  });
});

describe("graph helpers", () => {
  it("expands the Makefile's simple variables", () => {
    const doc = parseMakefile("A = x\nB ?= y\nB ?= z\nC = $(A)/$(B)\nC += $(D)\nE != date\n");
    const expand = makeExpander(doc);
    expect(expand("$(C)")).toBe("x/y $(D)");
    expect(expand("${A}-$(E)-$(shell pwd)")).toBe("x-$(E)-$(shell pwd)");
    expect(expand("$(LOOP)")).toBe("$(LOOP)");
    expect(expand("$(R)")).toBe("$(R)");
    const loop = makeExpander(parseMakefile("L = $(L)x\n"));
    expect(loop("$(L)")).toMatch(/x+$/);
  });

  it("finds pattern stems", () => {
    expect(patternStem("%.o", "main.o")).toBe("main");
    expect(patternStem("lib/%.a", "lib/x.a")).toBe("x");
    expect(patternStem("%.o", "main.c")).toBeUndefined();
    expect(patternStem("all", "all")).toBe("");
  });

  it("a chain of 20,000 targets: the last rule waits for every recipe, deepest first, without running out of stack", () => {
    const n = 20_000;
    const text = Array.from({ length: n }, (_, i) => `t${i}:${i > 0 ? ` t${i - 1}` : ""}\n\techo ${i}`).join("\n");
    const doc = parseMakefile(text);
    const scopes = precedingScopes(buildGraph(doc), doc.rules[n - 1] as MakeRule);
    expect(scopes).toHaveLength(n - 1);
    expect(scopes.slice(0, 2)).toEqual(["make:t0", "make:t1"]);
    expect(scopes[n - 2]).toBe(`make:t${n - 2}`);
  });

  it("indexes explicit rules by expanded target", () => {
    const graph = buildGraph(parseMakefile("D = out\n$(D)/x: y\n\ttouch $@\n%.o: %.c\n\tcc $<\n"));
    expect([...graph.byTarget.keys()]).toEqual(["out/x"]);
    expect(graph.patternRules.map((r) => r.targets)).toEqual([["%.o"]]);
  });
});
