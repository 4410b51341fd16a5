// One Adam step with PyTorch's semantics (coupled L2 weight decay, bias-corrected moments) over f32
// parameters in linear memory, four at a time: every buffer is padded to a multiple of 4 floats.
// Shared by the MLP (assembly/mlp.ts, one segment per model and row) and the CNN (assembly/cnn.ts).
export function adamUpdate(
  params: usize,
  grads: usize,
  moment1: usize,
  moment2: usize,
  count: i32,
  step: i32,
  learningRate: f64,
  weightDecay: f32,
  beta1: f64,
  beta2: f64,
  epsilon: f32,
): void {
  adamSegment(
    params,
    grads,
    moment1,
    moment2,
    <usize>count << 2,
    adamStepSize(learningRate, beta1, step),
    adamCorrection2Sqrt(beta2, step),
    f32x4.splat(weightDecay),
    beta1,
    beta2,
    epsilon,
  );
}

/** The step's learning rate over the first moment's bias correction, in every lane. */
// @ts-ignore: decorator
@inline
export function adamStepSize(learningRate: f64, beta1: f64, step: i32): v128 {
  return f32x4.splat(<f32>(learningRate / (1.0 - Math.pow(beta1, <f64>step))));
}

/** The square root of the second moment's bias correction, in every lane. */
// @ts-ignore: decorator
@inline
export function adamCorrection2Sqrt(beta2: f64, step: i32): v128 {
  return f32x4.splat(<f32>Math.sqrt(1.0 - Math.pow(beta2, <f64>step)));
}

/** The update of `bytes` bytes of parameters (a multiple of 16) at the same offsets of the four buffers. */
// @ts-ignore: decorator
@inline
export function adamSegment(
  params: usize,
  grads: usize,
  moment1: usize,
  moment2: usize,
  bytes: usize,
  stepSize: v128,
  correction2Sqrt: v128,
  decay: v128,
  beta1: f64,
  beta2: f64,
  epsilon: f32,
): void {
  const b1v = f32x4.splat(<f32>beta1);
  const b1c = f32x4.splat(<f32>(1.0 - beta1));
  const b2v = f32x4.splat(<f32>beta2);
  const b2c = f32x4.splat(<f32>(1.0 - beta2));
  const eps = f32x4.splat(epsilon);
  for (let o: usize = 0; o < bytes; o += 16) {
    const p = v128.load(params + o);
    const g = f32x4.add(v128.load(grads + o), f32x4.mul(decay, p));
    const m = f32x4.add(f32x4.mul(b1v, v128.load(moment1 + o)), f32x4.mul(b1c, g));
    const v = f32x4.add(f32x4.mul(b2v, v128.load(moment2 + o)), f32x4.mul(b2c, f32x4.mul(g, g)));
    v128.store(moment1 + o, m);
    v128.store(moment2 + o, v);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), correction2Sqrt), eps);
    v128.store(params + o, f32x4.sub(p, f32x4.div(f32x4.mul(stepSize, m), denom)));
  }
}
