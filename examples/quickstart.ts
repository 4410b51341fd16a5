// The README's quick start: an objective of your own, tuned with TPE, kept in a journal file.
// In your project: import { createStudy, tpeSampler } from "hyperforce";
import { createStudy, tpeSampler } from "../src/index.ts";

const storage = process.argv[2] ?? "runs/quickstart.jsonl";

const study = createStudy({
  name: "quickstart",
  storage, // Optuna's journal format: a killed run resumes, optuna-dashboard can show it
  sampler: tpeSampler({ seed: 1 }),
  loadIfExists: true,
});

await study.optimize(
  (trial) => {
    const x = trial.suggestFloat("x", -10, 10);
    const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
    const layers = trial.suggestInt("layers", 1, 4);
    const activation = trial.suggestCategorical("activation", ["relu", "tanh"]);
    return (x - 2) ** 2 + (Math.log10(lr) + 3) ** 2 + layers + (activation === "relu" ? 0 : 1);
  },
  { totalTrials: 60 },
);

console.log(study.bestValue.toFixed(3), study.bestParams);

// Ask and tell, for a loop of your own:
const trial = study.ask();
const x = trial.suggestFloat("x", -10, 10);
study.tell(trial, (x - 2) ** 2);
