import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CONV_NET_PARAMETER_NAMES,
  type ConvNetParameters,
  type ConvNetShape,
  checkImages,
  type Images,
  initConvNetParameters,
} from "../../src/nn/conv-net.ts";
import { ConvNetTrainer } from "../../src/nn/conv-reference.ts";
import { ConvWasmWorkspace, convWasmAvailable } from "../../src/nn/conv-wasm.ts";
import { compareGradients, finiteDifferenceGradient } from "../../src/nn/gradcheck.ts";
import { Rng } from "../../src/nn/rng.ts";

// Never skipped: npm test builds build/cnn.wasm first, so a missing build is a failure here.
test("the CNN kernels are built (build/cnn.wasm)", () => {
  assert.ok(convWasmAvailable(), "build/cnn.wasm is missing or does not load: run npm run build:wasm");
});

function randomImages(rng: Rng, n: number): Images {
  return { x: Float32Array.from({ length: n * 784 }, () => rng.uniform()), y: Float32Array.from({ length: n }, () => rng.int(10)), n };
}

test("the TypeScript reference's gradients match central finite differences (step 1e-6) to 1e-4", () => {
  const shape: ConvNetShape = { c1: 3, c2: 5, hidden: 6 };
  const rng = new Rng(3);
  const images = randomImages(rng, 3);
  const params = initConvNetParameters(shape, rng);
  const trainer = new ConvNetTrainer(shape);
  trainer.setParameters(params);
  trainer.lossAndGradient(images, 0, images.n);
  const analytic = trainer.getGradients();
  const loss = () => {
    trainer.setParameters(params);
    return trainer.lossAndGradient(images, 0, images.n);
  };
  for (const name of CONV_NET_PARAMETER_NAMES) {
    // fc1's 1470 weights: the first 150 (a view, so perturbing it perturbs the parameter).
    const count = Math.min(params[name].length, 150);
    const numeric = finiteDifferenceGradient(loss, params[name].subarray(0, count), 1e-6);
    const { maxRelativeError, worstIndex } = compareGradients(analytic[name].subarray(0, count), numeric, 1e-4);
    // Observed: at most 2.7e-6. A step of 1e-3 or more crosses ReLU and max-pool kinks and fails.
    assert.ok(maxRelativeError < 1e-4, `${name}[${worstIndex}]: ${analytic[name][worstIndex]} vs ${numeric[worstIndex]}`);
  }
});

function wasmEngine(shape: ConvNetShape, images: Images) {
  const workspace = new ConvWasmWorkspace();
  workspace.upload(images);
  return workspace.createEngine(shape);
}

/** max |a - b| over a tensor relative to the tensor's largest magnitude. */
function tensorError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  a.forEach((value, i) => {
    diff = Math.max(diff, Math.abs(value - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  });
  return diff / scale;
}

function assertSameGradients(shape: ConvNetShape, n: number, seed: number): void {
  const rng = new Rng(seed);
  const images = randomImages(rng, n);
  const params = initConvNetParameters(shape, rng);
  const reference = new ConvNetTrainer(shape);
  const wasm = wasmEngine(shape, images);
  reference.setParameters(params);
  wasm.setParameters(params);
  const expected = reference.lossAndGradient(images, 0, n);
  const loss = wasm.lossAndGradient(images, 0, n);
  assert.ok(Math.abs(loss - expected) / expected < 1e-5, `loss ${loss} vs ${expected}`);
  const [a, b] = [wasm.getGradients(), reference.getGradients()];
  for (const name of CONV_NET_PARAMETER_NAMES) assert.ok(tensorError(a[name], b[name]) < 1e-4, `${name}: ${tensorError(a[name], b[name])}`);
  const [x, y] = [wasm.evaluate(images), reference.evaluate(images)];
  assert.ok(Math.abs(x.loss - y.loss) / y.loss < 1e-5);
  assert.equal(x.accuracy, y.accuracy);
}

test("wasm = TypeScript on 19 images (more than one 16-image tile, odd rows) with counts not multiples of 4", () => {
  assertSameGradients({ c1: 3, c2: 5, hidden: 7 }, 19, 1);
});

test("wasm = TypeScript at the benchmark's shape (c1 16, c2 32, hidden 64)", () => {
  assertSameGradients({ c1: 16, c2: 32, hidden: 64 }, 5, 2);
});

test("parameters round-trip through the wasm kernels' padded layout", () => {
  const shape = { c1: 5, c2: 6, hidden: 9 };
  const rng = new Rng(4);
  const params = initConvNetParameters(shape, rng);
  const engine = wasmEngine(shape, randomImages(rng, 2));
  engine.setParameters(params);
  const back: ConvNetParameters = engine.getParameters();
  for (const name of CONV_NET_PARAMETER_NAMES) assert.deepEqual(back[name], params[name], name);
});

test("a training run stops at the first loss that is not finite", () => {
  const shape = { c1: 4, c2: 4, hidden: 4 };
  const rng = new Rng(5);
  const images = randomImages(rng, 12);
  const params = initConvNetParameters(shape, rng);
  params.fc2Bias[0] = Number.NaN;
  for (const engine of [new ConvNetTrainer(shape), wasmEngine(shape, images)]) {
    engine.setParameters(params);
    engine.startAdam({ lr: 1e-3 });
    const losses = new Float64Array(3);
    assert.equal(engine.trainEpoch(images, rng.permutation(12), 12, 4, losses, 0), 1);
    assert.ok(Number.isNaN(losses[0]));
  }
});

test("bad images and shapes are refused with what was expected", () => {
  const images = { x: new Float32Array(784 * 2), y: Float32Array.from([3, 10]), n: 2 };
  assert.throws(() => checkImages(images), /image 1 has label 10, expected an integer in \[0, 9\]/);
  assert.throws(() => checkImages({ ...images, n: 3 }), /images.x has 1568 values, expected 3 x 784/);
  assert.throws(() => new ConvNetTrainer({ c1: 0, c2: 4, hidden: 4 }), /CNN c1 must be an integer in \[1, 1024\], got 0/);
  const engine = new ConvNetTrainer({ c1: 2, c2: 2, hidden: 2 });
  assert.throws(
    () => engine.setParameters(initConvNetParameters({ c1: 2, c2: 3, hidden: 2 }, new Rng(1))),
    /conv2Weight has 54 values, expected 36/,
  );
});
