import { describe, expect, test } from "vitest";
import { execLines, parseUnit, unitFacts, unitShellRegions, type ExecLine, type UnitDirective } from "../src/languages/systemd/index.js";
import { toHost, type ArgvRegion, type ShellRegion, type ShellTextRegion } from "../src/languages/regions.js";
import { argvOnly, crlf, hostSlice, shellOnly, syntheticOffsets } from "./support/regions.js";

/* ------------------------------------------------------------------ helpers */

const regionsOf = (text: string): ShellRegion[] => unitShellRegions(parseUnit(text), text);

/** `[Service]` plus the given lines. */
const service = (...lines: string[]): string => ["[Service]", ...lines, ""].join("\n");

/** Values of the argv of the only command line of a one-line unit. */
function argvOf(line: string): string[] {
  const lines = execLines(parseUnit(service(line)));
  expect(lines).toHaveLength(1);
  return (lines[0] as ExecLine).argv.map((w) => w.value);
}

/* ------------------------------------------------------------------ fixtures */

/** The redis container of the "Docker and Upstart" post, run under systemd instead. */
const REDIS = `[Unit]
Description=Redis container
Requires=docker.service
After=docker.service

[Service]
Restart=always
# Make sure the old container is dead before reviving it.
ExecStartPre=-/usr/bin/docker stop redis_server
ExecStartPre=-/usr/bin/docker rm redis_server
ExecStart=/usr/bin/docker run \\
    --rm \\
    --name=redis_server \\
    -v /docker/host/dir:/data \\
    redis
ExecStop=/usr/bin/docker stop redis_server

[Install]
WantedBy=multi-user.target
`;

/** The Django app's worker, with its docker-runner wrapped in a shell for the log redirection. */
const WORKER = `[Unit]
Description=antisocial celery worker
Requires=docker.service docker-postfix.service
After=docker.service docker-postfix.service
Wants=registrator.service

[Service]
EnvironmentFile=/etc/default/antisocial
ExecStop=/usr/bin/docker stop antisocial-worker
ExecStart=/bin/sh -c 'exec /usr/local/bin/docker-runner antisocial worker \\
    >> /var/log/antisocial-worker.log 2>&1'
ExecStartPre=/bin/bash -ec "/usr/bin/docker pull \\"$IMAGE:$TAG\\"; \\
  echo pulled"
`;

/* ------------------------------------------------------------------ parseUnit */

describe("parseUnit", () => {
  test("sections and directives with offsets; comments skipped", () => {
    const doc = parseUnit(REDIS);
    expect(doc.sections.map((s) => [s.name, REDIS.slice(s.start, s.end)])).toEqual([
      ["Unit", "[Unit]"],
      ["Service", "[Service]"],
      ["Install", "[Install]"],
    ]);
    expect(doc.directives.map((d) => [d.section, d.key])).toEqual([
      ["Unit", "Description"],
      ["Unit", "Requires"],
      ["Unit", "After"],
      ["Service", "Restart"],
      ["Service", "ExecStartPre"],
      ["Service", "ExecStartPre"],
      ["Service", "ExecStart"],
      ["Service", "ExecStop"],
      ["Install", "WantedBy"],
    ]);
    for (const d of doc.directives) {
      expect(REDIS.slice(d.keyStart, d.keyEnd)).toBe(d.key);
      expect(REDIS.slice(d.start, d.keyEnd)).toBe(d.key);
    }
    const start = doc.directives[6] as UnitDirective;
    expect(REDIS.slice(start.start, start.end)).toBe(
      "ExecStart=/usr/bin/docker run \\\n    --rm \\\n    --name=redis_server \\\n    -v /docker/host/dir:/data \\\n    redis",
    );
    // Each backslash-newline became one space; the next line's indentation is kept.
    expect(start.value).toBe("/usr/bin/docker run      --rm      --name=redis_server      -v /docker/host/dir:/data      redis");
    expect(REDIS.slice(start.valueStart, start.valueEnd)).toBe(REDIS.slice(start.keyEnd + 1, start.end));
  });

  test("keys and values are stripped; empty assignments; lines without = or outside sections", () => {
    const text = "Orphan=1\n[Unit]\n  After =  a.service  \nAfter=\nnot an assignment\n=novalue\n[X-Custom]\nX-Foo=bar\n";
    const doc = parseUnit(text);
    expect(doc.directives.map((d) => [d.section, d.key, d.value])).toEqual([
      ["", "Orphan", "1"],
      ["Unit", "After", "a.service"],
      ["Unit", "After", ""],
      ["X-Custom", "X-Foo", "bar"],
    ]);
    const empty = doc.directives[2] as UnitDirective;
    expect(empty.valueStart).toBe(empty.valueEnd);
    expect(text.slice(empty.start, empty.valueStart)).toBe("After=");
    const spaced = doc.directives[1] as UnitDirective;
    expect(text.slice(spaced.keyStart, spaced.keyEnd)).toBe("After");
    expect(text.slice(spaced.valueStart, spaced.valueEnd)).toBe("a.service");
  });

  test("comment lines (# and ;, indented too) inside a continuation are dropped", () => {
    const text = "[Unit]\nAfter=a.service \\\n# why b\n  ; and c\n  b.service \\\n\tc.service\nBefore=d.service\n";
    const doc = parseUnit(text);
    expect(doc.directives.map((d) => [d.key, d.value])).toEqual([
      ["After", "a.service    b.service  \tc.service"],
      ["Before", "d.service"],
    ]);
    const after = doc.directives[0] as UnitDirective;
    expect(text.slice(after.start, after.end)).toBe("After=a.service \\\n# why b\n  ; and c\n  b.service \\\n\tc.service");
  });

  test("an escaped backslash at the end does not continue; a comment line ending in \\ does not either", () => {
    const text = "[Service]\nExecStart=/bin/echo a\\\\\n# comment \\\nExecStop=/bin/true\n";
    expect(parseUnit(text).directives.map((d) => [d.key, d.value])).toEqual([
      ["ExecStart", "/bin/echo a\\\\"],
      ["ExecStop", "/bin/true"],
    ]);
  });

  test("CRLF and lone CR line ends give the same directives, with exact offsets", () => {
    for (const text of [crlf(REDIS), REDIS.replace(/\n/g, "\r")]) {
      const doc = parseUnit(text);
      expect(doc.directives.map((d) => [d.key, d.value])).toEqual(parseUnit(REDIS).directives.map((d) => [d.key, d.value]));
      for (const d of doc.directives) {
        expect(text.slice(d.keyStart, d.keyEnd)).toBe(d.key);
        expect(text.slice(d.start, d.end).endsWith("\r")).toBe(false);
      }
    }
  });
});

/* ------------------------------------------------------------------ unitFacts */

describe("unitFacts", () => {
  test("dependency lists merge across assignments; an empty assignment resets", () => {
    const text = "[Unit]\nRequires=docker.service\nAfter=network.target\nAfter=\nAfter=docker.service  redis.service\nWants=a.service\nWants=b.service\nBindsTo=docker.service\nBefore=nginx.service\n[Service]\nExecStart=/bin/true\n";
    expect(unitFacts(parseUnit(text))).toEqual({
      serviceType: "simple",
      requires: ["docker.service"],
      bindsTo: ["docker.service"],
      wants: ["a.service", "b.service"],
      after: ["docker.service", "redis.service"],
      before: ["nginx.service"],
    });
    expect(unitFacts(parseUnit(WORKER))).toMatchObject({
      requires: ["docker.service", "docker-postfix.service"],
      after: ["docker.service", "docker-postfix.service"],
      wants: ["registrator.service"],
    });
  });

  test("Type=: explicit, reset by an empty assignment, implied dbus/oneshot/simple", () => {
    const facts = (lines: string[]): string => unitFacts(parseUnit(service(...lines))).serviceType;
    expect(facts(["Type=forking", "ExecStart=/bin/true"])).toBe("forking");
    expect(facts(["Type=notify", "Type=", "ExecStart=/bin/true"])).toBe("simple");
    expect(facts(["BusName=org.example.App", "ExecStart=/bin/app"])).toBe("dbus");
    expect(facts(["ExecStartPre=/bin/true"])).toBe("oneshot");
    // Dependencies live in [Unit]: the same keys elsewhere do not count.
    expect(unitFacts(parseUnit(service("After=x.service", "ExecStart=/bin/true"))).after).toEqual([]);
  });
});

/* ------------------------------------------------------------------ execLines */

describe("execLines: quoting (systemd.syntax(7))", () => {
  test("double and single quotes, quotes inside a word, blanks inside quotes", () => {
    expect(argvOf(`ExecStart=/usr/bin/docker run "--name=redis server" 'a b'  plain`)).toEqual(["/usr/bin/docker", "run", "--name=redis server", "a b", "plain"]);
    expect(argvOf(`ExecStart=/bin/echo a"b c"d 'e'"f"`)).toEqual(["/bin/echo", "ab cd", "ef"]);
    expect(argvOf(`ExecStart=/bin/echo "" ''`)).toEqual(["/bin/echo", "", ""]);
  });

  test("C escapes, inside and outside quotes; unknown escapes kept; variables and specifiers literal", () => {
    expect(argvOf(String.raw`ExecStart=/bin/echo \"q\" 'it\'s' "a\\b" \x41\101\u00e9 tab\there a\sb`)).toEqual([
      "/bin/echo",
      '"q"',
      "it's",
      "a\\b",
      "AAé",
      "tab\there",
      "a b",
    ]);
    expect(argvOf("ExecStart=/bin/echo \\d $HOME ${TAG} %i %%")).toEqual(["/bin/echo", "\\d", "$HOME", "${TAG}", "%i", "%%"]);
  });

  test("word host ranges cover the raw words; the program starts after the prefixes", () => {
    const text = service(`ExecStartPre=-/usr/bin/docker rm "redis server"  'x'`);
    const [line] = execLines(parseUnit(text)) as [ExecLine];
    expect(line.argv.map((w) => text.slice(w.hostStart, w.hostEnd))).toEqual(["/usr/bin/docker", "rm", '"redis server"', "'x'"]);
    expect(text.slice(line.programStart, line.programStart + 4)).toBe("/usr");
    expect(text[line.programStart - 1]).toBe("-");
  });

  test("a lone ; separates commands, \\; is a literal argument", () => {
    const text = service(String.raw`ExecStartPost=/bin/echo one ; -/bin/echo two \; three;x`);
    const lines = execLines(parseUnit(text));
    expect(lines.map((l) => [l.prefixes, l.argv.map((w) => w.value)])).toEqual([
      ["", ["/bin/echo", "one"]],
      ["-", ["/bin/echo", "two", ";", "three;x"]],
    ]);
    expect(lines.map((l) => text.slice(l.start, l.end))).toEqual(["/bin/echo one", String.raw`-/bin/echo two \; three;x`]);
  });
});

describe("execLines: prefixes (systemd.service(5))", () => {
  const prefixesOf = (value: string): [string, string[], string | undefined] => {
    const [line] = execLines(parseUnit(service(`ExecStart=${value}`))) as [ExecLine];
    return [line.prefixes, line.argv.map((w) => w.value), line.argv0?.value];
  };

  test("each prefix, and combinations in any order", () => {
    expect(prefixesOf("-/bin/false")).toEqual(["-", ["/bin/false"], undefined]);
    expect(prefixesOf("@/usr/bin/docker docker-wrapper ps")).toEqual(["@", ["/usr/bin/docker", "ps"], "docker-wrapper"]);
    expect(prefixesOf("+/usr/sbin/iptables -L")).toEqual(["+", ["/usr/sbin/iptables", "-L"], undefined]);
    expect(prefixesOf("!/usr/bin/app")).toEqual(["!", ["/usr/bin/app"], undefined]);
    expect(prefixesOf("!!/usr/bin/app")).toEqual(["!!", ["/usr/bin/app"], undefined]);
    expect(prefixesOf(":/bin/echo $HOME")).toEqual([":", ["/bin/echo", "$HOME"], undefined]);
    expect(prefixesOf("-@:/bin/sh sh -c true")).toEqual(["-@:", ["/bin/sh", "-c", "true"], "sh"]);
    expect(prefixesOf("+-/bin/true")).toEqual(["+-", ["/bin/true"], undefined]);
  });

  test("+, ! and !! exclude each other; a repeated prefix is part of the path", () => {
    expect(prefixesOf("+!/bin/x")).toEqual(["+", ["!/bin/x"], undefined]);
    expect(prefixesOf("!!!/bin/x")).toEqual(["!!", ["!/bin/x"], undefined]);
    expect(prefixesOf("--/bin/x")).toEqual(["-", ["-/bin/x"], undefined]);
  });
});

describe("execLines: order and resets", () => {
  test("execution order regardless of file order; file order within a directive", () => {
    const text = service(
      "ExecStopPost=/bin/stop-post",
      "ExecStop=/bin/stop",
      "ExecReload=/bin/reload",
      "ExecStartPost=/bin/start-post",
      "ExecStart=/bin/start",
      "ExecStartPre=/bin/pre-1",
      "ExecCondition=/bin/condition",
      "ExecStartPre=/bin/pre-2",
    );
    expect(execLines(parseUnit(text)).map((l) => [l.directive, l.argv[0]?.value])).toEqual([
      ["ExecCondition", "/bin/condition"],
      ["ExecStartPre", "/bin/pre-1"],
      ["ExecStartPre", "/bin/pre-2"],
      ["ExecStart", "/bin/start"],
      ["ExecStartPost", "/bin/start-post"],
      ["ExecReload", "/bin/reload"],
      ["ExecStop", "/bin/stop"],
      ["ExecStopPost", "/bin/stop-post"],
    ]);
  });

  test("an empty assignment discards earlier commands of that directive; other sections do not run", () => {
    const text = "[Unit]\nExecStart=/bin/not-a-service-setting\n[Service]\nExecStartPre=/bin/old\nExecStartPre=\nExecStartPre=/bin/new\n";
    expect(execLines(parseUnit(text)).map((l) => l.argv[0]?.value)).toEqual(["/bin/new"]);
    const socket = "[Socket]\nListenStream=80\nExecStopPre=/bin/a\nExecStartPre=/bin/b\n";
    expect(execLines(parseUnit(socket)).map((l) => l.directive)).toEqual(["ExecStartPre", "ExecStopPre"]);
  });
});

/* ------------------------------------------------------------------ regions */

describe("unitShellRegions", () => {
  test("the redis unit: one argv per command line, in execution order", () => {
    const regions = regionsOf(REDIS);
    expect(regions.map((r) => [r.kind, r.origin, r.label, r.scope, r.assumptions])).toEqual([
      ["argv", "systemd-exec", "ExecStartPre", "unit", { failureTolerated: true }],
      ["argv", "systemd-exec", "ExecStartPre", "unit", { failureTolerated: true }],
      ["argv", "systemd-exec", "ExecStart", "unit", {}],
      ["argv", "systemd-exec", "ExecStop", "unit", {}],
    ]);
    const run = argvOnly(regions)[2] as ArgvRegion;
    expect(run.words.map((w) => w.value)).toEqual(["/usr/bin/docker", "run", "--rm", "--name=redis_server", "-v", "/docker/host/dir:/data", "redis"]);
    for (const w of run.words) expect(REDIS.slice(w.hostStart, w.hostEnd)).toBe(w.value);
    expect(REDIS.slice(run.hostStart, run.hostEnd).startsWith("ExecStart=/usr/bin/docker run \\\n")).toBe(true);
    for (const r of regions) expect(r.precededBy()).toEqual([]);
  });

  test("sh -c with single quotes and a continuation: the script is a shell region", () => {
    const regions = regionsOf(WORKER);
    expect(regions.map((r) => [r.kind, r.origin, r.label])).toEqual([
      ["argv", "systemd-exec", "ExecStartPre"],
      ["shell", "sh-c-argument", "ExecStartPre"],
      ["argv", "systemd-exec", "ExecStart"],
      ["shell", "sh-c-argument", "ExecStart"],
      ["argv", "systemd-exec", "ExecStop"],
    ]);
    const [pre, start] = shellOnly(regions) as [ShellTextRegion, ShellTextRegion];
    expect(start.text).toBe("exec /usr/local/bin/docker-runner antisocial worker      >> /var/log/antisocial-worker.log 2>&1");
    expect(start.assumptions).toEqual({});
    // The only synthesised character is the space that replaced the continuation backslash.
    expect(syntheticOffsets(start, WORKER)).toEqual([start.text.indexOf("worker ") + "worker ".length]);
    expect(hostSlice(start, WORKER, "docker-runner")).toBe("docker-runner");
    expect(hostSlice(start, WORKER, "2>&1")).toBe("2>&1");

    // bash -ec "…" with \" escapes: errexit, escaped quotes map to the quote characters.
    expect(pre.text).toBe('/usr/bin/docker pull "$IMAGE:$TAG";    echo pulled');
    expect(pre.assumptions).toEqual({ errexit: true });
    expect(syntheticOffsets(pre, WORKER)).toEqual([pre.text.indexOf(";") + 2]);
    expect(hostSlice(pre, WORKER, '"$IMAGE:$TAG"')).toBe('"$IMAGE:$TAG\\"');
  });

  test("sh -c variants: double quotes, env, combined flags, -o errexit; no -c means no shell region", () => {
    const script = (value: string): [string, boolean] | undefined => {
      const sh = shellOnly(regionsOf(service(`ExecStart=${value}`)))[0];
      return sh ? [sh.text, sh.assumptions.errexit === true] : undefined;
    };
    expect(script(`/bin/sh -c "docker run --rm redis | tee /tmp/log"`)).toEqual(["docker run --rm redis | tee /tmp/log", false]);
    expect(script(`/usr/bin/env bash -c 'docker ps'`)).toEqual(["docker ps", false]);
    expect(script(`/bin/bash -xe -c 'docker ps'`)).toEqual(["docker ps", true]);
    expect(script(`/bin/bash -o errexit -o pipefail -c 'docker ps'`)).toEqual(["docker ps", true]);
    expect(script(`sh -euc 'docker ps' sh arg1`)).toEqual(["docker ps", true]);
    expect(script(`/bin/sh /usr/local/bin/start.sh`)).toBeUndefined();
    expect(script(`/bin/sh -c`)).toBeUndefined();
    expect(script(`/usr/bin/docker run redis sh -c 'not run by a shell here'`)).toBeUndefined();
  });

  test("escapes inside the script: \\\\ maps to a backslash, \\n and \\s are synthesised", () => {
    const text = service(String.raw`ExecStart=/bin/sh -c "printf 'a\\n' && echo x\ny\sz"`);
    const sh = shellOnly(regionsOf(text))[0] as ShellTextRegion;
    expect(sh.text).toBe("printf 'a\\n' && echo x\ny z");
    const synthetic = syntheticOffsets(sh, text);
    expect(synthetic).toEqual([sh.text.indexOf("\n"), sh.text.indexOf(" z")]);
    expect(toHost(sh.map, sh.text.indexOf("\n"))).toBe(text.indexOf(String.raw`\ny`));
  });

  test("prefixes: - tolerates failure on both regions; @ keeps the argv0 word out; | runs the line through a shell", () => {
    const text = service(`ExecStartPre=-@/bin/bash bash -c 'docker rm -f web'`, `ExecStartPost=|echo "started $MAINPID"`);
    const regions = regionsOf(text);
    expect(regions.map((r) => [r.kind, r.origin, r.assumptions])).toEqual([
      ["argv", "systemd-exec", { failureTolerated: true }],
      ["shell", "sh-c-argument", { failureTolerated: true }],
      ["shell", "sh-c-argument", {}],
    ]);
    expect((regions[0] as ArgvRegion).words.map((w) => w.value)).toEqual(["/bin/bash", "-c", "docker rm -f web"]);
    expect((regions[1] as ShellTextRegion).text).toBe("docker rm -f web");
    const via = regions[2] as ShellTextRegion;
    expect(via.text).toBe("echo started $MAINPID");
    expect(syntheticOffsets(via, text)).toEqual([4]);
  });

  test("CRLF: same regions as LF, exact mapping, no \\r", () => {
    const text = crlf(WORKER);
    const regions = regionsOf(text);
    expect(regions.map((r) => (r.kind === "shell" ? r.text : r.words.map((w) => w.value).join(" ")))).toEqual(
      regionsOf(WORKER).map((r) => (r.kind === "shell" ? r.text : r.words.map((w) => w.value).join(" "))),
    );
    for (const r of shellOnly(regions)) expect(syntheticOffsets(r, text)).toHaveLength(1);
    for (const w of argvOnly(regions).flatMap((r) => r.words)) expect(text.slice(w.hostStart, w.hostEnd)).toMatch(/^[^\r\n].*[^\r\n]$/s);
  });

  test("a unit without command lines has no regions", () => {
    expect(regionsOf("[Unit]\nDescription=x\n[Install]\nWantedBy=multi-user.target\n")).toEqual([]);
    expect(regionsOf("")).toEqual([]);
  });
});
