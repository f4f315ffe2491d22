/**
 * The synthetic deployment tree: many small "projects", each shaped like the one in examples/ and
 * the blog posts deploylint comes from (a C library, deploy scripts, a Dockerfile with an
 * entrypoint, upstart jobs, systemd units, a Makefile). Project i depends only on (seed, i), so a
 * tree of 4N projects holds the tree of N projects, and the output is the same on every machine.
 * A few findings are sprinkled in at fixed rates (misleading indentation, `docker run` without
 * `--rm`, unguarded names, secrets in `-e`, Dockerfiles without a test step…).
 */
import { rng, type Rng } from "./rng.js";

export interface SynthFile {
  path: string;
  text: string;
}

const APPS = ["antisocial", "feeds", "ledger", "pixel", "courier", "atlas", "harbor", "relay", "quill", "orbit", "beacon", "vault"];
const NOUNS = ["buf", "ctx", "hash", "key", "node", "conn", "msg", "req", "frame", "entry", "slot", "state", "peer", "cert", "token"];
const VERBS = ["read", "write", "update", "verify", "parse", "encode", "decode", "flush", "reset", "init", "free", "lookup", "append"];
const TYPES = ["int", "size_t", "uint32_t", "uint8_t *", "const char *", "long", "OSStatus", "ssize_t"];
const HOSTS = ["appserver1", "appserver2", "appserver3", "celery1", "web-a", "web-b"];
const IMAGES = ["postgres:15", "redis:7", "nginx:1.25", "rabbitmq:3", "memcached:1.6"];

const ident = (r: Rng): string => `${r.pick(VERBS)}_${r.pick(NOUNS)}`;
const varName = (r: Rng): string => `${r.pick(NOUNS)}${r.chance(0.3) ? r.int(0, 9) : ""}`;

// ---------------------------------------------------------------- C

interface CStyle {
  ind: string;
  /** Chance that an unbraced `if` body is followed by a second statement at the same indent. */
  mislead: number;
}

function cCall(r: Rng): string {
  const args = Array.from({ length: r.int(1, 3) }, () => (r.chance(0.4) ? `&${varName(r)}` : varName(r)));
  return `${ident(r)}(${args.join(", ")})`;
}

function cCond(r: Rng): string {
  return r.pick([
    () => `(err = ${cCall(r)}) != 0`,
    () => `${varName(r)} == NULL`,
    () => `${varName(r)}->length > ${r.int(1, 4096)}`,
    () => `!${cCall(r)}`,
    () => `${varName(r)} < ${varName(r)}`,
  ])();
}

function cSimple(r: Rng): string {
  return r.pick([
    () => `${varName(r)} = ${cCall(r)};`,
    () => `${cCall(r)};`,
    () => `${varName(r)} += ${r.int(1, 64)};`,
    () => `err = ${cCall(r)};`,
    () => `memset(&${varName(r)}, 0, sizeof(${varName(r)}));`,
    () => `goto fail;`,
  ])();
}

/** Appends statements at `level` to `out`; `depth` bounds nesting. */
function cBlock(r: Rng, s: CStyle, level: number, depth: number, count: number, out: string[]): void {
  const pad = s.ind.repeat(level);
  const inner = s.ind.repeat(level + 1);
  for (let n = 0; n < count; n++) {
    const kind = depth <= 0 ? 0 : r.int(0, 9);
    if (kind <= 3) {
      out.push(pad + cSimple(r));
    } else if (kind === 4) {
      // The sslKeyExchange.c shape: a chain of unbraced checks.
      for (let k = r.int(2, 6); k > 0; k--) {
        out.push(`${pad}if (${cCond(r)})`, `${inner}goto fail;`);
        if (r.chance(s.mislead)) out.push(`${inner}goto fail;`);
      }
    } else if (kind === 5) {
      out.push(`${pad}if (${cCond(r)})`, inner + cSimple(r));
      if (r.chance(s.mislead)) out.push(inner + cSimple(r));
      else if (r.chance(0.3)) out.push(`${pad}else`, inner + cSimple(r));
    } else if (kind === 6) {
      out.push(`${pad}if (${cCond(r)}) {`);
      cBlock(r, s, level + 1, depth - 1, r.int(1, 4), out);
      if (r.chance(0.4)) {
        out.push(`${pad}} else {`);
        cBlock(r, s, level + 1, depth - 1, r.int(1, 3), out);
      }
      out.push(`${pad}}`);
    } else if (kind === 7) {
      const i = r.pick(["i", "j", "k"]);
      out.push(`${pad}for (${i} = 0; ${i} < ${varName(r)}->length; ${i}++) {`);
      cBlock(r, s, level + 1, depth - 1, r.int(1, 4), out);
      out.push(`${pad}}`);
    } else if (kind === 8) {
      out.push(`${pad}while (${cCond(r)})`, inner + cSimple(r));
    } else {
      out.push(`${pad}switch (${varName(r)}->type) {`);
      for (let c = r.int(2, 5); c > 0; c--) {
        out.push(`${pad}case ${r.int(0, 99)}:`);
        cBlock(r, s, level + 1, 0, r.int(1, 2), out);
        out.push(`${inner}break;`);
      }
      out.push(`${pad}default:`, `${inner}return -1;`, `${pad}}`);
    }
  }
}

function cFunction(r: Rng, s: CStyle): string {
  const out: string[] = [
    `/*`,
    ` * ${ident(r)}: ${r.pick(["verify", "update", "release"])} the ${r.pick(NOUNS)} of a ${r.pick(NOUNS)}.`,
    ` * Returns 0 on success and a negative error code otherwise.`,
    ` */`,
    `static ${r.pick(TYPES)}`,
    `${ident(r)}_${r.int(0, 999)}(SSLContext *ctx, SSLBuffer ${varName(r)}, uint8_t *signature, uint16_t len)`,
    `{`,
    `${s.ind}OSStatus err = 0;`,
    `${s.ind}SSLBuffer ${NOUNS.slice(0, r.int(2, 5)).join(", ")};`,
    `${s.ind}size_t i, j, k;`,
    ``,
  ];
  cBlock(r, s, 1, 3, r.int(6, 16), out);
  out.push(``, `fail:`, `${s.ind}SSLFreeBuffer(&buf);`, `${s.ind}return err;`, `}`, ``);
  return out.join("\n");
}

function cFile(r: Rng, name: string, targetBytes: number): string {
  const s: CStyle = { ind: r.chance(0.5) ? "\t" : "    ", mislead: 0.004 };
  const parts: string[] = [
    `/* ${name}: part of a synthetic deployment tree generated by deploylint's bench. */`,
    `#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n#include "${r.pick(NOUNS)}.h"\n`,
    `#define MAX_${r.pick(NOUNS).toUpperCase()} ${r.int(16, 4096)}`,
    `typedef int OSStatus;\ntypedef struct { uint8_t *data; size_t length; int type; } SSLBuffer;\ntypedef struct SSLContext SSLContext;\n`,
  ];
  let size = parts.reduce((n, p) => n + p.length, 0);
  while (size < targetBytes) {
    const f = cFunction(r, s);
    parts.push(f);
    size += f.length;
  }
  return parts.join("\n");
}

// ---------------------------------------------------------------- shell

function dockerRun(r: Rng, app: string, opts: { supervised: boolean }): string {
  const flags: string[] = [];
  if (!opts.supervised && r.chance(0.85)) flags.push("--rm");
  if (opts.supervised) flags.push("--rm", `--name ${app}`);
  else if (r.chance(0.2)) flags.push(`--name ${app}-${r.pick(["migrate", "shell", "dev"])}`);
  for (let e = r.int(0, 4); e > 0; e--) {
    const key = r.pick(["DATABASE_URL", "BROKER_URL", "SETTINGS", "AWS_S3_CUSTOM_DOMAIN", "ALLOWED_HOSTS"]);
    flags.push(r.chance(0.6) ? `-e ${key}` : `-e ${key}=${r.pick(["prod", ".example.org", "amqp://rabbit:5672//"])}`);
  }
  if (r.chance(0.03)) flags.push(`-e SECRET_KEY=${(r.next() * 1e16).toString(16).slice(0, 10)}`);
  const cmd = r.pick(["migrate", "collectstatic", "run", "worker", "manage check"]);
  return `docker run ${flags.join(" ")} thraxil/${app}:$TAG ${cmd}`;
}

function deployScript(r: Rng, app: string): string {
  const hostsVar = r.pick(["hosts", "chosts", "bhosts"]);
  const lines = [
    r.pick(["#!/bin/bash", "#!/bin/sh", "#!/usr/bin/env bash"]),
    `# Jenkins job: pull the new ${app} image everywhere, migrate once, restart in turn.`,
    `set -e`,
    `APP=${app}`,
    `TAG=\${TAG:?TAG must be set}`,
    `${hostsVar}="${HOSTS.slice(0, r.int(2, 5)).join(" ")}"`,
    ``,
  ];
  for (let loop = r.int(1, 4); loop > 0; loop--) {
    lines.push(
      `for h in $${hostsVar}; do`,
      `    ssh "$h" docker pull "\${REPOSITORY}thraxil/$APP:$TAG"`,
      `    ssh "$h" cp "/var/www/$APP/TAG" "/var/www/$APP/REVERT" || true`,
      `    ssh "$h" "echo export TAG=$TAG > /var/www/$APP/TAG"`,
      `done`,
      ``,
    );
  }
  for (let n = r.int(1, 4); n > 0; n--) lines.push(dockerRun(r, "$APP", { supervised: false }));
  lines.push(
    ``,
    `if [ -f "/etc/default/$APP" ]; then`,
    `    . "/etc/default/$APP"`,
    `fi`,
    `case "$1" in`,
    `    rollback) TAG=$(cat "/var/www/$APP/REVERT") ;;`,
    `    *) echo "deploying $APP:$TAG" ;;`,
    `esac`,
    `for h in $${hostsVar}; do`,
    `    ssh "$h" sudo stop "$APP" || true`,
    `    ssh "$h" sudo start "$APP"`,
    `done`,
    ``,
  );
  return lines.join("\n");
}

function entrypoint(r: Rng, app: string): string {
  const lines = [`#!/bin/bash`, `# Entrypoint of the ${app} image: dispatches on its first argument.`, `cd /app/`, ``];
  for (const task of ["migrate", "collectstatic", "compress", "shell", "worker", "beat"].slice(0, r.int(2, 6))) {
    lines.push(`if [ "$1" == "${task}" ]; then`, `    exec /ve/bin/python manage.py ${task} --noinput`, `fi`, ``);
  }
  // Now and then the server is started as a child instead of exec'd: the shell stays PID 1.
  const exec = r.chance(0.9) ? "exec " : "";
  lines.push(`${exec}/ve/bin/gunicorn --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" \\`, `    "$APP.wsgi:application" -b 0.0.0.0:8000 -w 3`, ``);
  return lines.join("\n");
}

// ---------------------------------------------------------------- host files

function dockerfile(r: Rng, app: string): string {
  const lines = [
    `FROM ${r.pick(["ccnmtl/django.base", "debian:12-slim", "python:3.12-slim"])}`,
    `ADD wheelhouse /wheelhouse`,
    `RUN apt-get update && apt-get install -y \\`,
    `    libxml2-dev libxslt-dev \\`,
    `    && rm -rf /var/lib/apt/lists/*`,
    `RUN /ve/bin/pip install --no-index -f /wheelhouse -r /wheelhouse/requirements.txt`,
    `COPY . /app/`,
  ];
  if (r.chance(0.85)) lines.push(`RUN /ve/bin/python manage.py test`);
  lines.push(`ADD docker-run.sh /run.sh`, `ENV APP ${app}`, `EXPOSE 8000`, `ENTRYPOINT ["/run.sh"]`, `CMD ["run"]`, ``);
  return lines.join("\n");
}

function upstartJob(r: Rng, app: string, job: string): string {
  const guard = r.chance(0.9);
  return [
    `description "start/stop ${job} docker"`,
    ``,
    `start on filesystem and started docker${r.chance(0.5) ? " and started registrator" : ""}`,
    `stop on runlevel [!2345]`,
    `respawn`,
    ``,
    `script`,
    `  export EXTRA="-e SERVICE_NAME=${job} -p 8000"`,
    guard ? `  /usr/bin/docker stop ${job} || true` : `  echo starting ${job}`,
    guard ? `  /usr/bin/docker rm ${job} || true` : `  date`,
    `  exec /usr/bin/docker run --rm --name ${job} $EXTRA thraxil/${app}:latest ${r.pick(["run", "worker", "beat"])}`,
    `end script`,
    ``,
  ].join("\n");
}

function systemdUnit(r: Rng, app: string, unit: string): string {
  const dep = r.chance(0.9);
  const env = Array.from({ length: r.int(1, 4) }, () => `    -e ${r.pick(["BROKER_URL", "DATABASE_URL", "SETTINGS"])}=${r.pick(["prod", "amqp://rabbit:5672//" + app])} \\`);
  if (r.chance(0.03)) env.push(`    -e SECRET_KEY=${(r.next() * 1e16).toString(16).slice(0, 10)} \\`);
  return [
    `[Unit]`,
    `Description=${app} ${unit}`,
    dep ? `After=docker.service network-online.target\nRequires=docker.service` : `After=network-online.target`,
    ``,
    `[Service]`,
    `Type=simple`,
    `Restart=always`,
    `ExecStartPre=-/usr/bin/docker rm -f ${app}-${unit}`,
    `ExecStart=/usr/bin/docker run --rm --name ${app}-${unit} \\`,
    ...env,
    `    thraxil/${app}:latest ${unit}`,
    `ExecStop=/usr/bin/docker stop ${app}-${unit}`,
    ``,
    `[Install]`,
    `WantedBy=multi-user.target`,
    ``,
  ].join("\n");
}

function makefile(r: Rng, app: string): string {
  return [
    `IMAGE ?= thraxil/${app}`,
    `WHEELHOUSE = wheelhouse`,
    `REQUIREMENTS = requirements.txt`,
    `ROOT_DIR := $(shell dirname $(realpath $(lastword $(MAKEFILE_LIST))))`,
    ``,
    `$(WHEELHOUSE)/requirements.txt: $(REQUIREMENTS)`,
    `\tmkdir -p $(WHEELHOUSE)`,
    `\tdocker run --rm \\`,
    `\t-v $(ROOT_DIR):/app \\`,
    `\t-v $(ROOT_DIR)/$(WHEELHOUSE):/wheelhouse \\`,
    `\tccnmtl/django.build`,
    `\tcp $(REQUIREMENTS) $(WHEELHOUSE)/requirements.txt`,
    `\ttouch $(WHEELHOUSE)/requirements.txt`,
    ``,
    `build: $(WHEELHOUSE)/requirements.txt`,
    `\tdocker build -t $(IMAGE) -f deploy/Dockerfile .`,
    ``,
    `test: build`,
    `\tdocker run --rm $(IMAGE) manage test`,
    ``,
    `dev: build`,
    `\tdocker run ${r.chance(0.8) ? "--rm " : ""}-p 8000:8000 $(IMAGE) run`,
    ``,
    `.PHONY: build test dev`,
    ``,
  ].join("\n");
}

// ---------------------------------------------------------------- a project

/** The files of project `index`: about 55 KB, two thirds of it C. */
export function project(seed: number, index: number): SynthFile[] {
  const r = rng(seed * 1_000_003 + index);
  const app = `${r.pick(APPS)}${index}`;
  const dir = `p${String(index).padStart(5, "0")}-${app}`;
  const files: SynthFile[] = [];
  for (let c = r.int(2, 4); c > 0; c--) {
    const name = `${ident(r)}${c}.c`;
    files.push({ path: `${dir}/src/${name}`, text: cFile(r, name, r.int(6_000, 20_000)) });
  }
  for (let s = r.int(2, 4); s > 0; s--) files.push({ path: `${dir}/scripts/deploy-${s}.sh`, text: deployScript(r, app) });
  files.push({ path: `${dir}/deploy/Dockerfile`, text: dockerfile(r, app) });
  files.push({ path: `${dir}/deploy/docker-run.sh`, text: entrypoint(r, app) });
  for (const unit of ["web", "worker", "beat"].slice(0, r.int(1, 3))) {
    files.push({ path: `${dir}/deploy/${app}-${unit}.service`, text: systemdUnit(r, app, unit) });
  }
  files.push({ path: `${dir}/deploy/${app}.conf`, text: upstartJob(r, app, app) });
  files.push({ path: `${dir}/deploy/${r.pick(IMAGES).split(":")[0]}.conf`, text: upstartJob(r, app, `${app}-cache`) });
  files.push({ path: `${dir}/Makefile`, text: makefile(r, app) });
  return files;
}
