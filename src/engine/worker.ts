/**
 * A lint worker thread: builds its own Linters (grammars and queries are per worker) from the
 * serialisable rule selections (the run's, and each file configuration's, which tasks carry),
 * then lints the batches of files it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import { lintFileOnDisk } from "./lint-file.js";
import { LinterTable } from "./linters.js";
import type { BatchRequest, BatchResponse, WorkerInit } from "./pool.js";
import { selectRules } from "./registry.js";

function start(port: NonNullable<typeof parentPort>, init: WorkerInit): void {
  const selected = selectRules(init.selection);
  if (!selected.ok) throw new Error(`unknown rules: ${selected.unknown.join(", ")}`);
  // One Linter per file configuration (tasks carry theirs), made on first use.
  const linters = new LinterTable(init.selection);
  port.on("message", async (req: BatchRequest) => {
    if (req.wasm) linters.planCompilation(req.wasm);
    const outcomes = [];
    for (const task of req.tasks) {
      outcomes.push(await lintFileOnDisk(linters.for(task), task, init.maxBytes, req.project, init.fix));
    }
    const res: BatchResponse = { batch: req.batch, outcomes };
    port.postMessage(res);
  });
}

if (parentPort) start(parentPort, workerData as WorkerInit);
