// Where one evaluation of the paper's MLP spends its time, on one thread: the steps of trainAndEvaluate
// with onEpoch (what `table build` runs: init, a permutation per epoch, the epoch's training, the
// validation loss per epoch, the test loss) timed one by one on the WebAssembly path, per task and
// batch size (hidden 20, lr 1e-3, weight decay 1e-4, 15 epochs, split seed 0). CPU time of each
// phase summed over --repeats evaluations after one warm-up, then divided per evaluation. With --group,
// also the CPU time per run when the paper space's 100 (learning rate, weight decay) pairs of the same
// hidden units and batch size train together as `table build` trains them (table-build-group.ts).
//
//   node --import tsx bench/mlp-profile.ts [--tasks wine,letter] [--batch-sizes 8,32,128,512] [--repeats 5] [--hidden 20] [--group]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { trainGroup } from "../src/experiments/table-build-group.ts";
import { initMlpParameters, type MlpShape } from "../src/nn/mlp.ts";
import { Rng } from "../src/nn/rng.ts";
import { WasmWorkspace } from "../src/nn/wasm.ts";
import { paperTaskSplitSync } from "../src/tasks/paper-task.ts";

const { values: flags } = parseArgs({
  options: {
    tasks: { type: "string", default: "wine,letter" },
    "batch-sizes": { type: "string", default: "8,32,128,512" },
    repeats: { type: "string", default: "5" },
    hidden: { type: "string", default: "20" },
    group: { type: "boolean", default: false },
  },
});
const repeats = Number(flags.repeats);
const hidden = Number(flags.hidden);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a positive integer, got ${flags.repeats}`);
if (!Number.isInteger(hidden) || hidden < 1) throw new Error(`--hidden must be a positive integer, got ${flags.hidden}`);
const batchSizes = flags["batch-sizes"].split(",").map(Number);
if (batchSizes.some((b) => !Number.isInteger(b) || b < 1))
  throw new Error(`--batch-sizes must be positive integers, got ${flags["batch-sizes"]}`);
const tasks = flags.tasks.split(",");
for (const task of tasks) if (task !== "wine" && task !== "letter") throw new Error(`--tasks takes wine and/or letter, got ${task}`);
process.env.HYPERFORCE_DATA_DIR ??= new URL("../../shared/data", import.meta.url).pathname;

const EPOCHS = 15;
// The paper space's learning rates and weight decays (src/space/presets.ts).
const RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1];
const PHASES = ["init", "permutation", "train", "validation", "test"] as const;
type Phase = (typeof PHASES)[number];

function cpuNow(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

console.log(
  `load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
for (const task of tasks as ("wine" | "letter")[]) {
  const split = paperTaskSplitSync(task, 0);
  const workspace = new WasmWorkspace();
  for (const part of [split.train, split.validation, split.test]) workspace.upload(part, split.nInputs);
  const shape: MlpShape = { kind: split.kind, inputs: split.nInputs, hidden, outputs: split.nOutputs };
  const n = split.train.n;
  const flopsPerRow = 2 * (shape.inputs * hidden + hidden * shape.outputs);
  // Training: forward, backward to the hidden layer and both weight gradients (3x forward); evaluation: forward.
  const flops = EPOCHS * (3 * n + split.validation.n) * flopsPerRow + split.test.n * flopsPerRow;
  for (const batchSize of batchSizes) {
    const spent: Record<Phase, number> = { init: 0, permutation: 0, train: 0, validation: 0, test: 0 };
    const losses = new Float64Array(Math.ceil(n / batchSize));
    for (let run = 0; run <= repeats; run++) {
      const add = (phase: Phase, since: number) => {
        if (run > 0) spent[phase] += cpuNow() - since;
      };
      let t = cpuNow();
      const engine = workspace.createEngine(shape, Math.max(batchSize, 256));
      const rng = new Rng(1);
      engine.setParameters(initMlpParameters(shape, rng));
      engine.startAdam({ lr: 1e-3, weightDecay: 1e-4 });
      add("init", t);
      for (let epoch = 0; epoch < EPOCHS; epoch++) {
        t = cpuNow();
        const order = rng.permutation(n);
        add("permutation", t);
        t = cpuNow();
        engine.trainEpoch(split.train, order, n, Math.min(batchSize, n), losses, 0);
        add("train", t);
        t = cpuNow();
        engine.meanLoss(split.validation);
        add("validation", t);
      }
      t = cpuNow();
      engine.meanLoss(split.test);
      add("test", t);
    }
    const total = PHASES.reduce((sum, phase) => sum + spent[phase], 0) / repeats;
    const shares = PHASES.map((phase) => `${phase} ${((100 * spent[phase]) / repeats / total).toFixed(1)}%`).join(", ");
    console.log(
      `${task.padEnd(6)} batch ${String(batchSize).padStart(4)}: ${(total * 1000).toFixed(2)} ms CPU per evaluation, ` +
        `${(flops / total / 1e9).toFixed(2)} GFLOP/s (${(flops / 1e9).toFixed(3)} GFLOP); ${shares}`,
    );
    if (flags.group) {
      const runs = RATES.flatMap((learningRate) => RATES.map((weightDecay) => ({ learningRate, weightDecay })));
      const settings = { hidden, batchSize, seed: 1, epochs: EPOCHS };
      trainGroup(split, { ...settings, epochs: 1 }, runs.slice(0, 10));
      const before = cpuNow();
      trainGroup(split, settings, runs);
      const perRun = (cpuNow() - before) / runs.length;
      const speed = `${(flops / perRun / 1e9).toFixed(2)} GFLOP/s`;
      console.log(`${" ".repeat(17)}in a group of ${runs.length}: ${(perRun * 1000).toFixed(2)} ms CPU per run, ${speed}`);
    }
  }
}
console.log(
  `load average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
