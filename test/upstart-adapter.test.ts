import { describe, expect, it } from "vitest";
import { type ShellRegion, type ShellTextRegion, toHost } from "../src/languages/regions.js";
import {
  isUpstartJob,
  parseUpstart,
  startOn,
  startsAfterDocker,
  type UpstartDoc,
  upstartShellRegions,
} from "../src/languages/upstart/index.js";
import { at, crlf, expectFaithful } from "./support/regions.js";

// ---------------------------------------------------------------------------------------------
// Helpers

function shellRegions(text: string): ShellTextRegion[] {
  return upstartShellRegions(parseUpstart(text), text).map((r: ShellRegion) => {
    if (r.kind !== "shell") throw new Error("upstart regions are shell text");
    return r;
  });
}

// ---------------------------------------------------------------------------------------------
// Jobs from the "Docker and Upstart" post, with the lines the blog lost put back

/** The docker documentation's sample job. */
const DOCS_SAMPLE = `description "Redis container"
author "Me"
start on filesystem and started docker
stop on runlevel [!2345]
respawn
script
    /usr/bin/docker start -a redis_server
end script
`;

/** The post's final job: kill the old container first, then run a named one. */
const REDIS_JOB = `start on filesystem and started docker
stop on runlevel [!2345]
respawn
script
    /usr/bin/docker stop redis_server || true
    /usr/bin/docker rm redis_server || true
    /usr/bin/docker run \\
    --rm \\
    --name=redis_server \\
    -v /docker/host/dir:/data \\
    redis
end script
`;

/** A job with every hook, written out of run order. */
const HOOKS_JOB = `# /etc/init/web.conf
description "web app in docker"
start on (local-filesystems
          and started docker)   # wait for the daemon
stop on runlevel [!2345]

post-stop exec /usr/bin/docker rm -f web || true

env APP=web
respawn
respawn limit 10 5

script
  . /etc/default/$APP
  exec /usr/bin/docker run --rm --name=$APP myorg/web:1.4
end script

pre-start script
    /usr/bin/docker pull myorg/web:1.4
    /usr/bin/docker rm -f web || true
end script

post-start exec /usr/local/bin/notify started
pre-stop exec /usr/bin/docker stop web
`;

// ---------------------------------------------------------------------------------------------

describe("isUpstartJob", () => {
  it.each([
    ["the docker docs sample", DOCS_SAMPLE],
    ["the redis job", REDIS_JOB],
    ["a job with hooks", HOOKS_JOB],
    ["the same, CRLF", crlf(REDIS_JOB)],
    ["start on + exec", "start on runlevel [2345]\nexec /usr/sbin/sshd -D\n"],
    ["a task with a script", "task\nscript\n  echo hi\nend script\n"],
    ["stop on + pre-start exec", "stop on runlevel [016]\npre-start exec /bin/mkdir -p /run/app\n"],
    [
      "a job with a comment header and setuid",
      "# worker\n#\n\nsetuid app\nchdir /srv/app\nexec /srv/app/bin/worker --queue default\n",
    ],
    ["indented stanzas", "  start on started docker\n  respawn\n  exec /bin/app\n"],
  ])("accepts %s", (_name, text) => {
    expect(isUpstartJob(text)).toBe(true);
  });

  const NGINX = `user www-data;
worker_processes auto;
pid /run/nginx.pid;
env TZ;

events {
\tworker_connections 768;
}

http {
\tsendfile on;
\tinclude /etc/nginx/conf.d/*.conf;
\tserver {
\t\tlisten 80;
\t\tlocation / {
\t\t\tproxy_pass http://127.0.0.1:8000;
\t\t}
\t}
}
`;
  const SYSCTL = `#
# /etc/sysctl.conf - Configuration file for setting system variables
#kernel.domainname = example.com
kernel.printk = 3 4 1 3
net.ipv4.ip_forward=1
vm.swappiness = 10
`;
  const SUPERVISORD = `[supervisord]
nodaemon=true

[program:redis]
command=/usr/bin/docker run --rm --name=redis_server redis
autorestart=true
stopsignal=TERM
`;
  const LOGROTATE = `/var/log/nginx/*.log {
\tdaily
\tmissingok
\trotate 14
\tcompress
\tpostrotate
\t\tinvoke-rc.d nginx rotate >/dev/null 2>&1
\tendscript
}
`;
  const APACHE = `ServerRoot "/etc/apache2"
Timeout 300
KeepAlive On
Include ports.conf
<Directory /var/www/>
\tOptions Indexes FollowSymLinks
\tAllowOverride None
</Directory>
`;
  const FONTCONFIG = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts</dir>
</fontconfig>
`;
  const INI = `[Unit]
Description=Redis
[Service]
ExecStart=/usr/bin/docker run redis
`;
  const I3 = `set $mod Mod4
font pango:monospace 8
exec --no-startup-id nm-applet
exec i3-sensible-terminal
bindsym $mod+Return exec i3-sensible-terminal
bindsym $mod+Shift+q kill
floating_modifier $mod
workspace_layout tabbed
`;
  const MODPROBE = "options snd-hda-intel model=auto\nblacklist pcspkr\ninstall usb-storage /bin/true\n";
  const RESOLV = "nameserver 8.8.8.8\nsearch example.com\noptions ndots:2\n";
  const YAML = "start: now\nexec: /bin/app\nscript: run.sh\n";
  it.each([
    ["nginx.conf", NGINX],
    ["sysctl.conf", SYSCTL],
    ["supervisord.conf", SUPERVISORD],
    ["a logrotate conf", LOGROTATE],
    ["an apache conf", APACHE],
    ["a fontconfig XML file", FONTCONFIG],
    ["an ini file", INI],
    ["resolv.conf", RESOLV],
    ["an i3 config (exec lines among its own commands)", I3],
    ["a modprobe.d conf", MODPROBE],
    ["YAML-ish keys", YAML],
    ["an empty file", ""],
    ["only comments", "# start on startup\n# exec /bin/app\n"],
    ["one description line", 'description "my job"\n'],
    ["one env line", "env FOO=bar\n"],
    ["description + env (nothing distinctive)", 'description "x"\nenv A=1\nenv B=2\n'],
    ["a lone exec", "exec /bin/app\n"],
    ["a lone script block", "script\n  echo hi\nend script\n"],
    ["an unterminated script block", 'description "x"\nscript\n  echo hi\n'],
    ["an upstart stanza among key = value lines", "start on startup\nexec /bin/a\nkey = value\n"],
    ["mostly unknown lines", "start on startup\nrespawn\nfoo bar\nbaz qux\nquux 1\nxyzzy 2\nplugh 3\n"],
  ])("rejects %s", (_name, text) => {
    expect(isUpstartJob(text)).toBe(false);
  });
});

describe("parseUpstart", () => {
  it("reads the stanzas of the docs sample with offsets", () => {
    const doc = parseUpstart(DOCS_SAMPLE);
    expect(doc.stanzas.map((s) => [s.name, s.value])).toEqual([
      ["description", '"Redis container"'],
      ["author", '"Me"'],
      ["start on", "filesystem and started docker"],
      ["stop on", "runlevel [!2345]"],
      ["respawn", ""],
      ["script", ""],
    ]);
    for (const s of doc.stanzas) {
      expect(DOCS_SAMPLE.slice(s.valueStart, s.valueEnd)).toBe(s.value);
      expect(DOCS_SAMPLE.slice(s.start, s.start + s.name.length)).toBe(s.name);
    }
    const script = doc.stanzas[5];
    expect(DOCS_SAMPLE.slice(script?.start, script?.end)).toBe(
      "script\n    /usr/bin/docker start -a redis_server\nend script",
    );
    expect(doc.scripts).toEqual([
      {
        stanza: "script",
        kind: "script",
        bodyStart: at(DOCS_SAMPLE, "    /usr/bin"),
        bodyEnd: at(DOCS_SAMPLE, "end script"),
        start: at(DOCS_SAMPLE, "script\n"),
        end: at(DOCS_SAMPLE, "end script") + "end script".length,
        terminated: true,
      },
    ]);
  });

  it("reads a multi-line start on in parentheses, with a comment, and stops at the next stanza", () => {
    const doc = parseUpstart(HOOKS_JOB);
    const s = doc.stanzas.find((x) => x.name === "start on");
    expect(s?.value).toBe("(local-filesystems\n          and started docker)");
    expect(HOOKS_JOB.slice(s?.start, s?.end)).toBe("start on (local-filesystems\n          and started docker)");
    expect(doc.stanzas.map((x) => x.name)).toEqual([
      "description",
      "start on",
      "stop on",
      "post-stop",
      "env",
      "respawn",
      "respawn limit",
      "script",
      "pre-start",
      "post-start",
      "pre-stop",
    ]);
    expect(startOn(doc)).toBe("(local-filesystems and started docker)");
  });

  it("continues an event expression after a trailing and/or, across comment lines", () => {
    const text = "start on filesystem and\n    # the daemon\n    started docker or\n  runlevel [2345]\nrespawn\n";
    const doc = parseUpstart(text);
    expect(doc.stanzas.map((s) => s.name)).toEqual(["start on", "respawn"]);
    expect(startOn(doc)).toBe("filesystem and started docker or runlevel [2345]");
  });

  it("does not let an unbalanced parenthesis swallow the rest of the job", () => {
    const doc = parseUpstart("start on (filesystem and started docker\nrespawn\nexec /bin/app\n");
    expect(doc.stanzas.map((s) => s.name)).toEqual(["start on", "respawn", "exec"]);
  });

  it("continues any value over a backslash-newline", () => {
    const text = "exec /usr/bin/docker run \\\n    --rm redis   # the cache\nrespawn\n";
    const doc = parseUpstart(text);
    expect(doc.stanzas.map((s) => [s.name, s.value])).toEqual([
      ["exec", "/usr/bin/docker run \\\n    --rm redis"],
      ["respawn", ""],
    ]);
    expect(doc.scripts[0]?.kind).toBe("exec");
  });

  it("recognises end script with indentation and a trailing comment, not end scripts", () => {
    const text = "script\n  echo a\n  end scripts\n    end script   # done\nrespawn\n";
    const doc = parseUpstart(text);
    const script = doc.scripts[0];
    expect(text.slice(script?.bodyStart, script?.bodyEnd)).toBe("  echo a\n  end scripts\n");
    expect(text.slice(script?.start, script?.end)).toBe("script\n  echo a\n  end scripts\n    end script");
    expect(doc.stanzas.map((s) => s.name)).toEqual(["script", "respawn"]);
  });

  it("takes an unterminated block to the end of the file", () => {
    const text = "start on startup\nscript\n  echo a\n";
    const doc = parseUpstart(text);
    expect(doc.scripts[0]).toMatchObject({ terminated: false, bodyEnd: text.length });
  });

  it("keeps lines that look like stanzas inside a script block as script", () => {
    const text = "script\n  exec /bin/app\n  start on nothing\nend script\n";
    const doc = parseUpstart(text);
    expect(doc.stanzas.map((s) => s.name)).toEqual(["script"]);
    expect(doc.scripts).toHaveLength(1);
  });

  it("treats `script` followed by words as an ordinary stanza, not a block", () => {
    const doc = parseUpstart("script foo\nexec /bin/app\n");
    expect(doc.scripts.map((s) => s.kind)).toEqual(["exec"]);
  });

  it("reads hooks as blocks or exec commands", () => {
    const doc = parseUpstart(HOOKS_JOB);
    expect(doc.scripts.map((s) => [s.stanza, s.kind, HOOKS_JOB.slice(s.bodyStart, s.bodyEnd)])).toEqual([
      ["post-stop", "exec", "/usr/bin/docker rm -f web || true"],
      ["script", "script", "  . /etc/default/$APP\n  exec /usr/bin/docker run --rm --name=$APP myorg/web:1.4\n"],
      ["pre-start", "script", "    /usr/bin/docker pull myorg/web:1.4\n    /usr/bin/docker rm -f web || true\n"],
      ["post-start", "exec", "/usr/local/bin/notify started"],
      ["pre-stop", "exec", "/usr/bin/docker stop web"],
    ]);
    const pre = doc.stanzas.find((s) => s.name === "pre-start");
    expect(pre?.value).toBe("script");
    const post = doc.stanzas.find((s) => s.name === "post-start");
    expect(post?.value).toBe("exec /usr/local/bin/notify started");
  });

  it("gives CRLF files the same stanzas, values ending before the \\r", () => {
    const lf = parseUpstart(HOOKS_JOB);
    const text = crlf(HOOKS_JOB);
    const doc = parseUpstart(text);
    expect(doc.stanzas.map((s) => [s.name, s.value.replace(/\r/g, "")])).toEqual(
      lf.stanzas.map((s) => [s.name, s.value]),
    );
    for (const s of doc.stanzas) {
      expect(text[s.end - 1]).not.toBe("\r");
      expect(text.slice(s.valueStart, s.valueEnd)).toBe(s.value);
    }
    expect(startOn(doc)).toBe(startOn(lf));
  });
});

describe("startOn and startsAfterDocker", () => {
  const job = (startOnLine: string): UpstartDoc => parseUpstart(`${startOnLine}\nexec /bin/app\n`);
  it.each([
    ["start on filesystem and started docker", true],
    ["start on (filesystem and started docker)", true],
    ["start on started docker", true],
    ["start on (started docker) or runlevel [2345]", true],
    ["start on (local-filesystems and\n  net-device-up IFACE!=lo and\n  started docker)", true],
    ["start on filesystem and\n  started docker", true],
    ["start on started JOB=docker", true],
    ['start on started JOB="docker"', true],
    ["start on filesystem and started docker-postfix", false],
    ["start on starting docker", false],
    ["start on stopped docker", false],
    ["start on runlevel [2345]", false],
    ["start on started dockerd", false],
    ["start on filesystem # and started docker", false],
    ["stop on started docker", false],
    ["respawn", false],
  ])("%j → %s", (line, expected) => {
    expect(startsAfterDocker(job(line))).toBe(expected);
  });

  it("normalises whitespace and drops comments and continuations", () => {
    expect(startOn(job("start on   filesystem\t and \\\n  started docker  # why"))).toBe(
      "filesystem and started docker",
    );
    expect(startOn(job("respawn"))).toBe("");
  });

  it("uses the last start on, as upstart does", () => {
    expect(startsAfterDocker(parseUpstart("start on started docker\nstart on runlevel [2345]\nexec /bin/x\n"))).toBe(
      false,
    );
  });
});

describe("upstartShellRegions", () => {
  it("makes the script block of the redis job one errexit region of the job", () => {
    const regions = shellRegions(REDIS_JOB);
    expect(regions).toHaveLength(1);
    const r = regions[0] as ShellTextRegion;
    expect(r).toMatchObject({
      origin: "upstart-script",
      label: "script",
      scope: "job",
      assumptions: { errexit: true },
      hostStart: at(REDIS_JOB, "script\n"),
      hostEnd: at(REDIS_JOB, "end script") + "end script".length,
    });
    expect(r.precededBy()).toEqual([]);
    expect(r.text).toBe(
      [
        "    /usr/bin/docker stop redis_server || true",
        "    /usr/bin/docker rm redis_server || true",
        "    /usr/bin/docker run \\",
        "    --rm \\",
        "    --name=redis_server \\",
        "    -v /docker/host/dir:/data \\",
        "    redis",
        "",
      ].join("\n"),
    );
    expectFaithful(r, REDIS_JOB);
    // a finding on `docker run` lands on the host's `docker run`
    const k = r.text.indexOf("docker run");
    expect(toHost(r.map, k)).toBe(at(REDIS_JOB, "docker run"));
  });

  it("drops the \\r of CRLF lines and maps the rest piecewise", () => {
    const text = crlf(REDIS_JOB);
    const [r] = shellRegions(text);
    expect(r?.text).toBe(shellRegions(REDIS_JOB)[0]?.text);
    expectFaithful(r as ShellTextRegion, text);
    expect(r?.map.length).toBeGreaterThan(1);
    const k = r?.text.indexOf("--name=redis_server") ?? -1;
    expect(toHost(r?.map ?? [], k)).toBe(at(text, "--name=redis_server"));
  });

  it("orders regions as upstart runs them: pre-start, main, post-start, pre-stop, post-stop", () => {
    for (const text of [HOOKS_JOB, crlf(HOOKS_JOB)]) {
      const regions = shellRegions(text);
      expect(regions.map((r) => [r.label, r.origin])).toEqual([
        ["pre-start", "upstart-script"],
        ["script", "upstart-script"],
        ["post-start", "upstart-exec"],
        ["pre-stop", "upstart-exec"],
        ["post-stop", "upstart-exec"],
      ]);
      for (const r of regions) {
        expect(r.scope).toBe("job");
        expect(r.assumptions).toEqual({ errexit: true });
        expectFaithful(r, text);
      }
      expect(regions[4]?.text).toBe("/usr/bin/docker rm -f web || true");
      expect(regions[1]?.text).toContain("exec /usr/bin/docker run --rm --name=$APP myorg/web:1.4\n");
    }
  });

  it("makes an exec stanza a region of its command, continuation included, trailing comment excluded", () => {
    const text = "start on started docker\r\nexec /usr/bin/docker run \\\r\n    --rm redis   # the cache\r\n";
    const [r] = shellRegions(text);
    expect(r).toMatchObject({
      origin: "upstart-exec",
      label: "exec",
      text: "/usr/bin/docker run \\\n    --rm redis",
      hostStart: at(text, "exec"),
      hostEnd: at(text, "redis") + "redis".length,
    });
    expectFaithful(r as ShellTextRegion, text);
  });

  it("keeps main-process regions in file order and maps an empty block", () => {
    const text = "script\nend script\nexec /bin/a\n";
    const regions = shellRegions(text);
    expect(regions.map((r) => [r.label, r.text])).toEqual([
      ["script", ""],
      ["exec", "/bin/a"],
    ]);
    expect(toHost(regions[0]?.map ?? [], 0)).toBe(at(text, "end script"));
  });

  it("has no region for a job without processes, or for an empty exec", () => {
    expect(shellRegions("start on startup\ntask\n")).toEqual([]);
    expect(shellRegions("exec\n")).toEqual([]);
  });
});
