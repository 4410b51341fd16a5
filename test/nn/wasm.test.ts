import assert from "node:assert/strict";
import { test } from "node:test";
import { initMlpParameters, type MlpParameters, type MlpShape, MlpTrainer } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { WasmWorkspace, wasmAvailable } from "../../src/nn/wasm.ts";
import { trainWithOrders } from "../../src/tasks/train.ts";

// The WebAssembly path must compute what the TypeScript reference computes, to 1e-5 relative.
const KEYS = ["w1", "b1", "w2", "b2"] as const;
const WINE: MlpShape = { kind: "regression", inputs: 11, hidden: 20, outputs: 1 };
const LETTER: MlpShape = { kind: "classification", inputs: 16, hidden: 20, outputs: 26 };

// Never skipped: npm test builds build/mlp.wasm first, so a missing build is a failure here.
test("the wasm kernels are built (build/mlp.wasm)", () => {
  assert.ok(wasmAvailable(), "build/mlp.wasm is missing or does not load: run npm run build:wasm");
});

function randomRows(rng: Rng, shape: MlpShape, n: number) {
  const x = Float32Array.from({ length: n * shape.inputs }, () => rng.normal());
  const y = Float32Array.from({ length: n }, () => (shape.kind === "classification" ? rng.int(shape.outputs) : rng.normal()));
  return { x, y, n };
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** max |a - b| over a tensor, relative to the tensor's largest magnitude. */
function tensorError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  }
  return diff / scale;
}

function assertClose(a: MlpParameters, b: MlpParameters, tolerance: number, what: string): void {
  for (const key of KEYS) {
    const error = tensorError(a[key], b[key]);
    assert.ok(error < tolerance, `${what} ${key}: error ${error}`);
  }
}

for (const [name, shape, hidden] of [
  ["wine-shaped", WINE, 20],
  ["letter-shaped", LETTER, 20],
  ["letter-shaped, hidden 6 (padded to 8)", LETTER, 6],
] as const) {
  test(`wasm and TypeScript agree on loss and gradients over several tiles (${name})`, () => {
    const s = { ...shape, hidden };
    const rng = new Rng(31);
    const rows = randomRows(rng, s, 100);
    const params = initMlpParameters(s, rng);
    const reference = new MlpTrainer(s, 100);
    reference.setParameters(params);
    const workspace = new WasmWorkspace();
    workspace.upload(rows, s.inputs);
    const engine = workspace.createEngine(s, 100);
    engine.setParameters(params);
    assertClose(engine.getParameters(), params, 1e-12, "parameter round trip");
    const expected = reference.lossAndGradient(rows.x, rows.y, 100, true);
    const actual = engine.lossAndGradient(rows, 100);
    assert.ok(relative(actual, expected) < 1e-5, `loss ${actual} vs ${expected}`);
    assertClose(engine.getGradients(), reference.gradients, 1e-5, "gradient");
    assert.ok(relative(engine.meanLoss(rows), reference.meanLoss(rows)) < 1e-5);
  });
}

for (const [name, shape, n, batchSize, epochs] of [
  ["wine-shaped", WINE, 1119, 8, 1],
  ["letter-shaped", LETTER, 2000, 64, 2],
] as const) {
  test(`wasm and TypeScript training agree step by step (${name}, batch ${batchSize})`, () => {
    const rng = new Rng(32);
    const rows = randomRows(rng, shape, n);
    const initial = initMlpParameters(shape, rng);
    const epochOrders = Array.from({ length: epochs }, () => rng.permutation(n));
    const common = { shape, rows, initial, epochOrders, learningRate: 1e-3, weightDecay: 1e-4, batchSize };
    const ts = trainWithOrders({ ...common, path: "typescript" });
    const wasm = trainWithOrders({ ...common, path: "wasm" });
    assert.equal(wasm.stepLosses.length, Math.ceil(n / batchSize) * epochs);
    assert.equal(wasm.stepLosses.length, ts.stepLosses.length);
    let worst = 0;
    ts.stepLosses.forEach((loss, i) => (worst = Math.max(worst, relative(loss, wasm.stepLosses[i]))));
    assert.ok(worst < 1e-5, `worst step-loss difference ${worst}`);
    assertClose(wasm.final, ts.final, 1e-5, "final parameter");
    assert.ok(relative(wasm.finalLoss, ts.finalLoss) < 1e-5);
  });
}

test("a wasm engine refuses stale use, rows it was not given, and out-of-range labels", () => {
  const rng = new Rng(33);
  const rows = randomRows(rng, LETTER, 10);
  const workspace = new WasmWorkspace();
  workspace.upload(rows, 16);
  const first = workspace.createEngine(LETTER, 10);
  workspace.createEngine(WINE, 10);
  assert.throws(() => first.meanLoss(rows), /this WasmMlpEngine is stale/);
  const engine = workspace.createEngine(LETTER, 10);
  assert.throws(() => engine.meanLoss(randomRows(rng, LETTER, 10)), /these rows were not uploaded/);
  const bad = randomRows(rng, LETTER, 10);
  bad.y[3] = 26;
  workspace.upload(bad, 16);
  const fresh = workspace.createEngine(LETTER, 10);
  assert.throws(() => fresh.meanLoss(bad), /row 3 has label 26, expected an integer in \[0, 25\]/);
  assert.throws(() => fresh.trainEpoch(rows, new Int32Array(10), 10, 4, new Float64Array(3), 0), /call startAdam first/);
});
