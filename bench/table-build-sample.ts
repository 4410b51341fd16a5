// The CPU time of a table build estimated from a fixed random sample, on one thread, without writing a
// table: `--mode groups` trains --groups (batch size, hidden units) pairs of the paper space (each hidden
// size in turn, its batch size drawn at random, so 10 groups cover every hidden size once), each
// with all 100 (learning rate, weight decay) runs together as `table build` does now
// (src/experiments/table-build-group.ts); `--mode one-by-one` trains --runs random configurations one at
// a time through trainAndEvaluate (what every build did before groups, and what this script measures
// in an older checkout). Both scale the sample's CPU seconds to the 10,000 configurations of one seed
// and print the whole space's estimate on 1 and 2 cores (CPU seconds / cores: the runs are independent).
//
//   node --import tsx bench/table-build-sample.ts --task letter --mode groups --groups 10
//   node --import tsx bench/table-build-sample.ts --task wine --mode one-by-one --runs 300
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Rng } from "../src/nn/rng.ts";
import { paperTaskSplitSync } from "../src/tasks/paper-task.ts";
import { indicesAt, TABLE_CONFIGURATIONS, valuesAt } from "../src/tasks/table.ts";
import { trainAndEvaluate } from "../src/tasks/train.ts";

const { values: flags } = parseArgs({
  options: {
    task: { type: "string", default: "wine" },
    mode: { type: "string", default: "groups" },
    groups: { type: "string", default: "10" },
    runs: { type: "string", default: "300" },
    seed: { type: "string", default: "0" },
    "sample-seed": { type: "string", default: "7" },
  },
});
const task = flags.task;
if (task !== "wine" && task !== "letter") throw new Error(`--task takes wine or letter, got ${task}`);
if (flags.mode !== "groups" && flags.mode !== "one-by-one") throw new Error(`--mode takes groups or one-by-one, got ${flags.mode}`);
const count = Number(flags.mode === "groups" ? flags.groups : flags.runs);
const limit = flags.mode === "groups" ? 100 : TABLE_CONFIGURATIONS;
if (!Number.isInteger(count) || count < 1 || count > limit)
  throw new Error(`the sample size must be an integer in [1, ${limit}], got ${count}`);
const seed = Number(flags.seed);
process.env.HYPERFORCE_DATA_DIR ??= new URL("../../shared/data", import.meta.url).pathname;

const EPOCHS = 15;
const split = paperTaskSplitSync(task, 0);
const sampleRng = new Rng(Number(flags["sample-seed"]));
// Groups: stratified by hidden units (the main driver of a run's cost), each hidden size in turn with a
// batch size drawn without replacement; runs: drawn uniformly without replacement.
const batchOrders = Array.from({ length: 10 }, () => sampleRng.permutation(10));
const sample =
  flags.mode === "groups"
    ? Array.from({ length: count }, (_, g) => batchOrders[g % 10][Math.floor(g / 10)] * 10 + (g % 10))
    : Array.from(sampleRng.permutation(limit).subarray(0, count));
const cpuSeconds = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

const loadStart = loadavg();
let runs = 0;
const started = cpuSeconds();
if (flags.mode === "groups") {
  const { trainGroup } = await import("../src/experiments/table-build-group.ts");
  for (const shape of sample) {
    // shape = batch index * 10 + hidden index: the last two digits of a position.
    const [, , batchSize, hidden] = valuesAt(indicesAt(shape));
    const group = [];
    for (let rest = 0; rest < TABLE_CONFIGURATIONS; rest += 100) {
      const [learningRate, weightDecay] = valuesAt(indicesAt(rest + shape));
      group.push({ learningRate, weightDecay });
    }
    trainGroup(split, { hidden, batchSize, seed, epochs: EPOCHS }, group);
    runs += group.length;
  }
} else {
  for (const position of sample) {
    const [learningRate, weightDecay, batchSize, hidden] = valuesAt(indicesAt(position));
    trainAndEvaluate(split, { learningRate, weightDecay, batchSize, hidden, epochs: EPOCHS }, seed, { onEpoch: () => false });
    runs++;
  }
}
const spent = cpuSeconds() - started;
const whole = (spent / runs) * TABLE_CONFIGURATIONS;
console.log(
  `${task} ${flags.mode}: ${runs} runs in ${spent.toFixed(2)} CPU s (${((1000 * spent) / runs).toFixed(3)} ms a run); ` +
    `10,000 configurations x 1 seed: ${whole.toFixed(1)} CPU s, ${(whole / 2).toFixed(1)} s on 2 cores; ` +
    `load average ${loadStart.map((l) => l.toFixed(2)).join(" ")} -> ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);
