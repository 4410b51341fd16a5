/**
 * Tunes the TensorFlow.js model of objective.ts with a hyperforce study (TPE by default).
 *
 *   HYPERFORCE_DATA_DIR=/path/to/data node --import tsx examples/tfjs/tune.ts --trials 20 --seed 0
 *
 * Prints one line per finished trial, then the best trial as JSON on the last line.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadModuleObjective } from "../../src/objectives/module.ts";
import { createStudy } from "../../src/study/study.ts";

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
    },
    strict: true,
  });
  const nTrials = positiveInteger(values.trials, "--trials", 1);
  const seed = positiveInteger(values.seed, "--seed", 0);

  const objective = await loadModuleObjective(`${fileURLToPath(new URL("./objective.ts", import.meta.url))}#objective`);
  const study = createStudy({ direction: "minimize", seed });
  await study.optimize(objective, {
    nTrials,
    callbacks: [
      (_, trial) => {
        const value = trial.value === undefined ? trial.state : trial.value.toFixed(4);
        console.log(`trial ${trial.number}: ${value} ${JSON.stringify(trial.params)}`);
      },
    ],
  });
  const best = study.bestTrial;
  console.log(JSON.stringify({ bestTrial: best.number, bestValue: best.value, bestParams: best.params, trials: study.trials.length }));
}

main().catch((error: unknown) => {
  console.error(`tune.ts: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
