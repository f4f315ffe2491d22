/**
 * A lint worker thread: builds its own Linter (grammars and queries are per worker) from the
 * serialisable rule selection, then lints the batches of files it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Linter } from "./lint.js";
import { lintFileOnDisk } from "./lint-file.js";
import type { BatchRequest, BatchResponse, WorkerInit } from "./pool.js";
import { allRules, selectRules } from "./registry.js";

function start(port: NonNullable<typeof parentPort>, init: WorkerInit): void {
  const selected = selectRules(init.selection);
  if (!selected.ok) throw new Error(`unknown rules: ${selected.unknown.join(", ")}`);
  const linter = new Linter(
    selected.rules,
    allRules().map((r) => r.id),
  );
  port.on("message", async (req: BatchRequest) => {
    const outcomes = [];
    for (const task of req.tasks) outcomes.push(await lintFileOnDisk(linter, task, init.maxBytes, req.project, undefined, init.fix));
    const res: BatchResponse = { batch: req.batch, outcomes };
    port.postMessage(res);
  });
}

if (parentPort) start(parentPort, workerData as WorkerInit);
