import { readFileSync } from "node:fs";
import { parseHost } from "./dist/src/languages/hosts.js";
import { TreeSitter } from "./dist/src/languages/treesitter.js";
import { regionInfo, shellTextCommands, argvCommand } from "./dist/src/languages/shell/commands.js";
import { detectLanguage } from "./dist/src/engine/detect.js";
const ts = new TreeSitter(); const bash = await ts.grammar("bash");
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, "utf8"); const lang = detectLanguage(f, text);
  const host = parseHost(lang, text); const vars = new Map(); let seq = 0;
  console.log("==", f, lang, host.regions.map(r => `${r.kind}:${r.origin}:${r.scope}:${r.label}`).join(" | "));
  host.regions.forEach((r, i) => {
    const info = regionInfo(r, i);
    const cmds = r.kind === "argv" ? [argvCommand(r, info, seq, vars)].filter(Boolean) : (() => { const t = ts.parse(bash, r.text); try { return shellTextCommands(t, r, info, seq, vars); } finally { t.delete(); } })();
    seq += cmds.length;
    for (const c of cmds) console.log(`  ${c.name} [${c.wrappers}] ${c.args.map(a=>a.value).join(" ")} @${text.slice(c.start, c.end).split("\n")[0]} tol=${c.tolerated} cond=${c.conditional} errexit=${c.errexit} bg=${c.background}`);
  });
}
