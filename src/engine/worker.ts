/**
 * A lint worker thread: builds its own Linters (grammars and queries are per worker) from the
 * serialisable rule selections (the run's, and each file configuration's, which tasks carry),
 * then lints the batches of files it is sent.
 */
import { parentPort, workerData } from "node:worker_threads";
import { finishFile, prepareFile, type FileOutcome, type FileTask, type PreparedFile } from "./lint-file.js";
import { LinterTable } from "./linters.js";
import type { BatchRequest, BatchResponse, ReleaseResponse, WorkerInit, WorkerRequest } from "./pool.js";
import type { ProjectFacts } from "./project.js";
import { selectRules } from "./registry.js";

function start(port: NonNullable<typeof parentPort>, init: WorkerInit): void {
  const selected = selectRules(init.selection);
  if (!selected.ok) throw new Error(`unknown rules: ${selected.unknown.join(", ")}`);
  // One Linter per file configuration (tasks carry theirs), made on first use.
  const linters = new LinterTable(init.selection);
  /** Files held until the WebAssembly choice is made (pool.ts), in the order they were held. */
  const held: { task: FileTask; prepared: PreparedFile }[] = [];
  /** The project facts last sent (a batch says "same" for these; see `BatchRequest.project`). */
  let project: ProjectFacts | undefined;

  async function batch(req: BatchRequest): Promise<BatchResponse> {
    const outcomes: (FileOutcome | null)[] = [];
    let heldChars = 0;
    if (req.project === "same" && project === undefined) throw new Error("a batch referred to project facts this worker was never sent");
    if (req.project !== undefined && req.project !== "same") project = req.project;
    const facts = req.project === undefined ? undefined : project;
    for (const task of req.tasks) {
      const linter = linters.for(task);
      const prepared = await prepareFile(linter, task, init.maxBytes, facts);
      if (req.hold && !prepared.outcome && prepared.lint.parses) {
        held.push({ task, prepared });
        heldChars += prepared.lint.input.text.length;
        outcomes.push(null);
      } else {
        outcomes.push(await finishFile(linter, task, prepared, init.fix, init.source));
      }
    }
    return { kind: "batch", batch: req.batch, outcomes, held: heldChars };
  }

  async function release(): Promise<ReleaseResponse> {
    const outcomes: FileOutcome[] = [];
    for (const h of held.splice(0)) outcomes.push(await finishFile(linters.for(h.task), h.task, h.prepared, init.fix, init.source));
    return { kind: "released", outcomes };
  }

  // One request at a time, in the order sent: a release must come after the batches before it.
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (req: WorkerRequest) => {
    queue = queue.then(async () => {
      if (req.wasm) linters.planCompilation(req.wasm);
      port.postMessage(req.kind === "batch" ? await batch(req) : await release());
    });
  });
}

if (parentPort) start(parentPort, workerData as WorkerInit);
