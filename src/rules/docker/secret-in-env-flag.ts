import { defineRule } from "../../engine/rule.js";
import { CONTAINER_TOOLS, envSettings, type EnvSetting } from "../../languages/shell/docker.js";

/**
 * A secret written on a container tool's command line: `docker run -e DB_PASSWORD=hunter2`,
 * `--env=…`, `-eK=V`, `exec -e`, `service create -e`, `service update --env-add`, and
 * `build --build-arg NPM_TOKEN=…`.
 */

type Options = { secretNames: string[]; extraSecretNames: string[] };

const DEFAULT_SECRET_NAMES = [
  "SECRET",
  "SECRETS",
  "PASSWORD",
  "PASSWORDS",
  "PASSWD",
  "PASS",
  "PASSPHRASE",
  "PWD",
  "TOKEN",
  "API_KEY",
  "APIKEY",
  "PRIVATE_KEY",
  "ACCESS_KEY",
  "SECRET_KEY",
  "SIGNING_KEY",
  "ENCRYPTION_KEY",
  "CREDENTIAL",
  "CREDENTIALS",
];

/**
 * A last name part that makes the variable *about* a secret rather than the secret itself:
 * `PASSWORD_FILE=/run/secrets/db` (the recommended pattern), `TOKEN_TTL=3600`, `ACCESS_KEY_ID=…`.
 */
const NOT_THE_SECRET: ReadonlySet<string> = new Set([
  "FILE", "FILES", "PATH", "DIR", "NAME", "ID", "URL", "URI", "HOST", "PORT", "ENDPOINT", "TTL", "EXPIRY",
  "EXPIRES", "EXPIRATION", "LENGTH", "LEN", "TIMEOUT", "TYPE", "HEADER", "PREFIX", "ENABLED", "REQUIRED",
  "FORMAT", "MODE", "POLICY", "LIMIT", "MIN", "MAX", "COUNT", "SIZE", "VERSION", "ALGORITHM",
]);

/** Whole names that are not secrets although a part matches: the shell's working directory. */
const NOT_SECRETS: ReadonlySet<string> = new Set(["PWD"]);

/** `dbPassword`, `DB_PASSWORD`, `db.password`, `db-password` → `["DB", "PASSWORD"]`. */
function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p.toUpperCase());
}

/** The configured secret name that `name` contains as whole parts (`GITHUB_TOKEN` ⊇ `TOKEN`, not `TOKENIZER_MODEL`), or undefined. */
function secretPart(name: string, secretNames: readonly string[][]): string | undefined {
  const parts = nameParts(name);
  if (parts.length === 0 || NOT_SECRETS.has(parts.join("_"))) return undefined;
  const aboutIt = NOT_THE_SECRET.has(parts.at(-1) as string);
  for (const secret of secretNames) {
    if (secret.length === 0) continue;
    for (let i = 0; i + secret.length <= parts.length; i++) {
      if (!secret.every((s, k) => parts[i + k] === s)) continue;
      const last = i + secret.length === parts.length;
      if (last || !aboutIt) return secret.join("_");
    }
  }
  return undefined;
}

/** `scheme://user:password@host…` with a literal password. */
function urlPassword(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/.test(value);
}

/**
 * Whether the value is written out in the file: not empty, and no expansion (`$X`, `${X}`,
 * `$(…)`, make's `$(X)`, a systemd `%` specifier) that would bring it from elsewhere.
 */
function literal(setting: EnvSetting, systemd: boolean): boolean {
  const word = setting.flag.value;
  const value = setting.value;
  if (!word || value === undefined || value === "") return false;
  if (!word.static && value.includes("$")) return false;
  return !(systemd && /%[A-Za-z%]/.test(value));
}

/** The host range of the `K=V` text: inside an attached word (`--env=K=V`, `-eK=V`) when written plainly, else the value word. */
function pairRange(setting: EnvSetting, text: string): { start: number; end: number } {
  const word = setting.flag.value as NonNullable<EnvSetting["flag"]["value"]>;
  const attached = setting.flag.words.length === 1;
  const raw = text.slice(word.start, word.end);
  if (attached && raw === word.value) return { start: word.end - (setting.flag.valueText ?? "").length, end: word.end };
  return { start: word.start, end: word.end };
}

function message(setting: EnvSetting, tool: string, why: string): string {
  const k = setting.name;
  if (setting.kind === "build-arg") {
    return (
      `\`--build-arg ${k}=…\` writes ${why} into this file, the shell history and \`ps\`, and bakes it into the image: ` +
      `build arguments are kept in its history (\`${tool} history\`, \`${tool} image inspect\`). ` +
      `Pass it as a build secret instead (\`--secret id=${k.toLowerCase()},env=${k}\` and \`RUN --mount=type=secret,id=${k.toLowerCase()}\`).`
    );
  }
  return (
    `\`${setting.flag.flag} ${k}=…\` puts ${why} on the \`${tool} ${setting.subcommand}\` command line: it is in this file (and its repository), ` +
    `the shell history and \`ps\` output. Pass it through from the environment (\`-e ${k}\`) or use \`--env-file\`; ` +
    `better, mount it as a file (\`${k}_FILE=/run/secrets/…\`), which also keeps it out of \`${tool} inspect\`.`
  );
}

export default defineRule<Options>({
  id: "docker/secret-in-env-flag",
  languages: ["shell"],
  severity: "error",
  fix: "never",
  tags: ["security"],
  precision: "high",
  options: {
    secretNames: {
      type: "string[]",
      default: DEFAULT_SECRET_NAMES,
      description:
        "Name parts that mark a variable as a secret, matched case-insensitively as whole `_`-separated parts (`TOKEN` matches `GITHUB_TOKEN`, not `TOKENIZER_MODEL`; `API_KEY` matches `STRIPE_API_KEY`). Setting it replaces the list.",
    },
    extraSecretNames: {
      type: "string[]",
      default: [],
      description: "More name parts to treat as secrets, added to `secretNames` (e.g. `DSN`, `LICENSE_KEY`).",
    },
  },
  docs: {
    summary: "A literal secret in `docker run -e NAME=value` (or `--env`, `exec -e`, `--build-arg`)",
    why: [
      "`docker run -e DB_PASSWORD=hunter2 …` writes the password into the file that holds the command",
      "(and so into version control and every copy of the deploy tree), into the shell's history,",
      "into the process list (`ps aux` shows every argument to every user on the host while the",
      "client runs, which under systemd or upstart is as long as the container runs), and into the",
      "container's configuration, where `docker inspect` shows it to anyone in the `docker` group.",
      "`--build-arg` is worse: build",
      "arguments are recorded in the image's history and ship with the image to every registry it",
      "is pushed to.",
      "",
      "Keep the value out of the command: pass the variable through from the environment the",
      "command runs in (`-e DB_PASSWORD`, set from `EnvironmentFile=` or a secrets manager) or use",
      "`--env-file` with a file only root can read; both keep it out of the file, the history and",
      "`ps`. Better, mount the secret as a file (`-e DB_PASSWORD_FILE=/run/secrets/db`), which",
      "keeps it out of `docker inspect` too. For builds, use BuildKit secrets (`--secret` and",
      "`RUN --mount=type=secret`).",
    ].join("\n"),
    bad: [
      { file: "deploy.sh", code: "#!/bin/sh\ndocker run --rm -e SECRET_KEY=7f3a9c2e1b myorg/web:1.4 migrate\n" },
      {
        file: "antisocial-worker.service",
        code: [
          "[Service]",
          "ExecStart=/usr/bin/docker run --rm --name antisocial-worker \\",
          "    -e SECRET_KEY=7f3a9c2e1b \\",
          "    thraxil/antisocial:latest worker",
          "",
        ].join("\n"),
      },
      { file: "Makefile", code: "image:\n\tdocker build --build-arg NPM_TOKEN=npm_abc123 -t myorg/web .\n" },
    ],
    good: [
      { file: "deploy.sh", code: "#!/bin/sh\ndocker run --rm -e SECRET_KEY -e DB_PASSWORD_FILE=/run/secrets/db myorg/web:1.4 migrate\n" },
      { file: "deploy.sh", code: "#!/bin/sh\ndocker run --rm --env-file /etc/web.env myorg/web:1.4\n" },
      { file: "Makefile", code: "migrate:\n\tdocker run --rm -e API_TOKEN myorg/web:1.4 migrate\n" },
    ],
    related: ["none (hadolint and ShellCheck have no such check; secret scanners such as gitleaks match values, not docker's flags)"],
    notes: [
      "- Reported: `-e K=V`, `--env K=V`, `--env=K=V`, `-eK=V` of `run`, `create`, `exec` and",
      "  `service create`; `--env-add` of `service update`; `--build-arg K=V` of `build`, `image build`",
      "  and `buildx build` — for docker, podman and nerdctl. Only the tool's own options: `-e` after",
      "  the image belongs to the container's command.",
      "- The name is split into parts at `_`, `-`, `.` and camelCase humps and matched as whole parts",
      "  against `secretNames` + `extraSecretNames`: `SECRET_KEY`, `DB_PASSWORD`, `GITHUB_TOKEN`,",
      "  `AWS_SECRET_ACCESS_KEY`, `dbPassword` are secrets; `TOKENIZER_MODEL` and `MAX_TOKENS` are not.",
      "  A name whose last part says it is *about* a secret (`PASSWORD_FILE`, `SECRET_NAME`,",
      "  `TOKEN_TTL`, `ACCESS_KEY_ID`, `PASSWORD_MIN_LENGTH`…) is not, unless the secret part is",
      "  itself last. The bare `PWD` (the working directory) is not a secret.",
      "- Also reported, whatever the name: a URL with a literal password (`BROKER_URL=amqp://app:s3cret@mq/`).",
      "- Only literal values: `-e TOKEN=$TOKEN`, `${TOKEN}`, `$(cat /run/secrets/t)`, make's `$(TOKEN)`",
      "  and systemd's `%d/token` come from elsewhere (an expanded value still shows in `ps` and",
      "  `docker inspect`; pass-through `-e TOKEN` avoids that too). Empty values and pass-through",
      "  (`-e K`) are fine. The value is never repeated in the message.",
      "- Out of scope: secrets in variable assignments that are later expanded into a docker command",
      "  (the blog's `/etc/default/$APP` with `OPTS=\"… -e SECRET_KEY=… …\"`), in `--env-file` files, in",
      "  systemd `Environment=` lines, and `docker compose run -e`.",
      "- No fix: where the secret should live instead is a deployment decision.",
    ].join("\n"),
  },
  check(ctx) {
    const names = [...ctx.options.secretNames, ...ctx.options.extraSecretNames].map(nameParts);
    const systemd = ctx.host?.language === "systemd";
    ctx.onCommand(CONTAINER_TOOLS, (cmd) => {
      for (const setting of envSettings(cmd)) {
        if (setting.value === undefined || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(setting.name) || !literal(setting, systemd)) continue;
        const part = secretPart(setting.name, names);
        const why = part !== undefined ? `the secret \`${setting.name}\`` : urlPassword(setting.value) ? `the password in the URL \`${setting.name}\`` : undefined;
        if (why === undefined) continue;
        ctx.report({ at: pairRange(setting, ctx.source.text), message: message(setting, cmd.name, why) });
      }
    });
  },
});
