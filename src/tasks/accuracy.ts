/**
 * Classification accuracy of the paper's MLP: the share of rows whose largest output is the row's
 * class. Computed on the trained parameters with the reference dense kernels, after training, so it
 * never changes what the losses are.
 */
import { denseForward, denseReluForward } from "../nn/dense.ts";
import type { MlpParameters, MlpShape, Rows } from "../nn/mlp.ts";

/** Rows per forward pass: bounds the buffers whatever the part's size. */
const CHUNK_ROWS = 256;

/** Fraction of `rows` classified right (ties go to the first class); NaN when an output is not finite. */
export function classificationAccuracy(shape: MlpShape, parameters: MlpParameters, rows: Rows): number {
  if (shape.kind !== "classification") throw new Error("accuracy applies to classification tasks only");
  const chunk = Math.min(CHUNK_ROWS, rows.n);
  const hidden = new Float32Array(chunk * shape.hidden);
  const out = new Float32Array(chunk * shape.outputs);
  let correct = 0;
  for (let start = 0; start < rows.n; start += chunk) {
    const n = Math.min(chunk, rows.n - start);
    const x = rows.x.subarray(start * shape.inputs, (start + n) * shape.inputs);
    denseReluForward({ inputs: shape.inputs, outputs: shape.hidden }, x, n, parameters.w1, parameters.b1, hidden);
    denseForward({ inputs: shape.hidden, outputs: shape.outputs }, hidden, n, parameters.w2, parameters.b2, out);
    for (let r = 0; r < n; r++) {
      let best = 0;
      for (let c = 0; c < shape.outputs; c++) {
        const value = out[r * shape.outputs + c];
        if (!Number.isFinite(value)) return NaN;
        if (value > out[r * shape.outputs + best]) best = c;
      }
      if (best === rows.y[start + r]) correct++;
    }
  }
  return correct / rows.n;
}
