/**
 * Tunes the TensorFlow.js model of objective.ts with a hyperforce study (TPE by default).
 *
 *   HYPERFORCE_DATA_DIR=/path/to/data node --import tsx examples/tfjs/tune.ts --trials 20 --seed 0
 *
 * --threads N runs the trials in N worker threads (one TensorFlow.js per thread) instead of here.
 * Prints one line per finished trial, then the best trial as JSON on the last line.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ThreadPoolExecutor } from "../../src/execution/thread-pool.ts";
import { loadModuleObjective } from "../../src/objectives/module.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { createStudy, type Study } from "../../src/study/study.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";

function positiveInteger(text: string, flag: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${flag} must be an integer >= ${minimum}, got ${JSON.stringify(text)}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trials: { type: "string", default: "20" },
      seed: { type: "string", default: "0" },
      threads: { type: "string", default: "0" },
    },
    strict: true,
  });
  const nTrials = positiveInteger(values.trials, "--trials", 1);
  const seed = positiveInteger(values.seed, "--seed", 0);
  const threads = positiveInteger(values.threads, "--threads", 0);

  const objectivePath = fileURLToPath(new URL("./objective.ts", import.meta.url));
  const { space, winePath } = (await import(pathToFileURL(objectivePath).href)) as { space: SearchSpace; winePath(): string };
  winePath(); // fail here, before any trial, when the data is missing
  const onTrial = (_: unknown, trial: FrozenTrial) => {
    const value = trial.value === undefined ? `${trial.state} (${trial.failReason})` : trial.value.toFixed(4);
    console.log(`trial ${trial.number}: ${value} ${JSON.stringify(trial.params)}`);
  };
  let study: Study;
  if (threads === 0) {
    // In this thread: the module objective is loaded here and may suggest define-by-run.
    const objective = await loadModuleObjective(`${objectivePath}#objective`);
    study = createStudy({ direction: "minimize", seed });
    await study.optimize(objective, { nTrials, callbacks: [onTrial] });
  } else {
    // In worker threads: the objective travels as a spec, and the study declares its space.
    study = createStudy({ direction: "minimize", seed, space });
    const executor = new ThreadPoolExecutor({ size: threads, queueDepth: 1 });
    try {
      await study.optimize({ kind: "module", path: objectivePath, exportName: "objective" }, { nTrials, executor, callbacks: [onTrial] });
    } finally {
      await executor.close();
    }
  }
  const best = study.bestTrial;
  console.log(JSON.stringify({ bestTrial: best.number, bestValue: best.value, bestParams: best.params, trials: study.trials.length }));
}

main().catch((error: unknown) => {
  console.error(`tune.ts: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
