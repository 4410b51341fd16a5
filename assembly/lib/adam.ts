// One Adam step with PyTorch's semantics (coupled L2 weight decay, bias-corrected moments) over `count`
// f32 parameters in linear memory, four at a time: every buffer is padded to a multiple of 4 floats.
// Shared by the MLP (assembly/mlp.ts) and the CNN (assembly/cnn.ts).
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
  const stepSize = f32x4.splat(<f32>(learningRate / (1.0 - Math.pow(beta1, <f64>step))));
  const correction2Sqrt = f32x4.splat(<f32>Math.sqrt(1.0 - Math.pow(beta2, <f64>step)));
  const decay = f32x4.splat(weightDecay);
  const b1v = f32x4.splat(<f32>beta1);
  const b1c = f32x4.splat(<f32>(1.0 - beta1));
  const b2v = f32x4.splat(<f32>beta2);
  const b2c = f32x4.splat(<f32>(1.0 - beta2));
  const eps = f32x4.splat(epsilon);
  const size = <usize>count << 2;
  for (let o: usize = 0; o < size; o += 16) {
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
