/** Journal files with studies for the dashboard's tests, written through the library. */
import { randomSampler } from "../../src/samplers/random.ts";
import { createStudy } from "../../src/study/study.ts";

export const XSS_NAME = `<img src=x onerror="window.__xss=1">"'&<script>window.__xss=2</script>`;

/** A study of `trials` trials on x, depth and a conditional optimizer branch; every 7th fails with a two-line reason. */
export function writeStudy(journal: string, name: string, trials: number, seed = 1): void {
  const study = createStudy({ name, storage: journal, sampler: randomSampler({ seed }), loadIfExists: true });
  for (let i = 0; i < trials; i++) {
    const trial = study.ask();
    const x = trial.suggestFloat("x", -5, 5);
    const depth = trial.suggestInt("depth", 1, 8);
    const optimizer = trial.suggestCategorical("optimizer", ["adam", "sgd"]);
    const momentum = optimizer === "sgd" ? trial.suggestFloat("momentum", 0, 0.99) : 0;
    for (let step = 1; step <= 3; step++) trial.report(step, (x - 1) ** 2 / step + depth);
    if (i % 7 === 6) study.tell(trial, new Error("diverged at epoch 3\n    at train (model.ts:12)"));
    else study.tell(trial, (x - 1) ** 2 + depth / 10 + momentum);
  }
  study.close();
}
