import assert from "node:assert/strict";
import { test } from "node:test";
import { initMlpParameters, type MlpShape } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { WasmWorkspace } from "../../src/nn/wasm.ts";
import { WasmMlpGroup } from "../../src/nn/wasm-group.ts";

const SHAPES: MlpShape[] = [
  { kind: "classification", inputs: 7, hidden: 9, outputs: 3 },
  { kind: "regression", inputs: 5, hidden: 6, outputs: 1 },
];

function randomRows(rng: Rng, shape: MlpShape, n: number) {
  const y = Float32Array.from({ length: n }, () => (shape.kind === "classification" ? rng.int(shape.outputs) : rng.normal()));
  return { x: Float32Array.from({ length: n * shape.inputs }, () => rng.normal()), y, n };
}

for (const shape of SHAPES) {
  test(`a group of ${shape.kind} models equals each model trained alone, bit for bit, and a blown-up model stops`, () => {
    const rng = new Rng(11);
    const rows = randomRows(rng, shape, 70);
    const workspace = new WasmWorkspace();
    workspace.upload(rows, shape.inputs);
    const initial = initMlpParameters(shape, rng);
    const orders = [rng.permutation(70), rng.permutation(70), rng.permutation(70)];
    const rates = [1e-3, 3e-2, 1e25];
    const decays = [0, 1e-3, 0];
    const group = new WasmMlpGroup(workspace, shape, rates.length);
    group.setParameters(initial);
    group.startAdam(rates, decays);
    for (const order of orders) group.trainEpoch(rows, order, 70, 16);
    const grouped = rates.map((_, m) => group.getParameters(m));
    const groupLosses = group.meanLosses(rows);
    assert.deepEqual(group.alive(), [true, true, false]);
    rates.forEach((lr, m) => {
      const engine = workspace.createEngine(shape, 70);
      engine.setParameters(initial);
      engine.startAdam({ lr, weightDecay: decays[m] });
      let stopped = false;
      for (const order of orders) {
        const losses = new Float64Array(5);
        const steps = engine.trainEpoch(rows, order, 70, 16, losses, 0);
        if (steps < 5 || !Number.isFinite(losses[steps - 1])) {
          stopped = true;
          break;
        }
      }
      assert.equal(stopped, m === 2);
      if (stopped) return;
      assert.deepEqual(engine.getParameters(), grouped[m], `model ${m}`);
      assert.equal(engine.meanLoss(rows), groupLosses[m]);
    });
  });
}

test("a group checks its inputs and goes stale like an engine", () => {
  const shape = SHAPES[0];
  const rows = randomRows(new Rng(2), shape, 10);
  const workspace = new WasmWorkspace();
  workspace.upload(rows, shape.inputs);
  assert.throws(() => new WasmMlpGroup(workspace, shape, 0), /a group needs a positive whole number of models, got 0/);
  const group = new WasmMlpGroup(workspace, shape, 2);
  assert.throws(() => group.trainEpoch(rows, new Int32Array(10), 10, 4), /call startAdam first/);
  assert.throws(() => group.startAdam([1e-3], [0, 0]), /startAdam needs 2 learning rates and weight decays, got 1 and 2/);
  assert.throws(() => group.getParameters(2), /model must be in \[0, 2\), got 2/);
  workspace.createEngine(shape, 10);
  assert.throws(() => group.meanLosses(rows), /this WasmMlpGroup is stale/);
});
