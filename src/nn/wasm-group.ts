import { resolveAdamOptions } from "./adam.ts";
import { copyEpochOrder } from "./epoch-order.ts";
import { checkMlpParameters, checkMlpShape, emptyMlpParameters, type MlpParameters, type MlpShape, type Rows } from "./mlp.ts";
import type { Kernels, WasmWorkspace } from "./wasm.ts";

/**
 * Several MLPs of one shape trained together on the WebAssembly kernels: the same initial parameters,
 * the same minibatches, each model with its own learning rate and weight decay. Each minibatch is
 * gathered once and the first layer of every model is one register-tiled matrix product, so a group
 * costs less than its models one by one; each model's numbers are bit for bit those it gets alone
 * (WasmMlpEngine with the same settings; test/nn/wasm-group.test.ts).
 *
 * A model whose step loss is not finite is dead from then on: it is not updated again (its losses
 * are still computed with the others and ignored). The group's epochs stop once every model is dead.
 */
export class WasmMlpGroup {
  readonly shape: MlpShape;
  readonly models: number;
  private readonly workspace: WasmWorkspace;
  private readonly generation: number;
  private readonly paddedHidden: number;
  private adamStarted = false;

  constructor(workspace: WasmWorkspace, shape: MlpShape, models: number) {
    checkMlpShape(shape);
    if (!Number.isInteger(models) || models < 1) throw new Error(`a group needs a positive whole number of models, got ${models}`);
    this.workspace = workspace;
    this.shape = { ...shape };
    this.models = models;
    this.paddedHidden = (shape.hidden + 3) & ~3;
    this.generation = workspace.claim();
    this.kernels();
  }

  private kernels(): Kernels {
    return this.workspace.bind(this.shape, this.generation, this.models, "WasmMlpGroup");
  }

  /** Every model starts from these parameters (PyTorch layout). */
  setParameters(parameters: MlpParameters): void {
    checkMlpParameters(this.shape, parameters);
    const { inputs, hidden, outputs } = this.shape;
    const { all, hp, wide, secondCount } = this.parameterLayout();
    all.fill(0);
    for (let m = 0; m < this.models; m++) {
      for (let j = 0; j < hidden; j++) {
        for (let i = 0; i < inputs; i++) all[i * wide + m * hp + j] = parameters.w1[j * inputs + i];
        all[inputs * wide + m * hp + j] = parameters.b1[j];
      }
      const second = (inputs + 1) * wide + m * secondCount;
      for (let c = 0; c < outputs; c++) {
        for (let j = 0; j < hidden; j++) all[second + c * hp + j] = parameters.w2[c * hidden + j];
        all[second + outputs * hp + c] = parameters.b2[c];
      }
    }
  }

  /**
   * The kernels' parameter block: the first layer of every model side by side (row i holds input i's weights
   * to every model's padded hidden units, then a row of biases), then each model's second layer in turn.
   */
  private parameterLayout(): { all: Float32Array; hp: number; wide: number; secondCount: number } {
    const k = this.kernels();
    const hp = this.paddedHidden;
    const outputs = this.shape.outputs;
    const all = new Float32Array(k.memory.buffer, k.paramsPointer(), k.paramCountPadded());
    return { all, hp, wide: this.models * hp, secondCount: outputs * hp + ((outputs + 3) & ~3) };
  }

  /** Model m's current parameters, PyTorch layout. */
  getParameters(model: number): MlpParameters {
    if (!Number.isInteger(model) || model < 0 || model >= this.models)
      throw new Error(`model must be in [0, ${this.models}), got ${model}`);
    const { inputs, hidden, outputs } = this.shape;
    const { all, hp, wide, secondCount } = this.parameterLayout();
    const p = emptyMlpParameters(this.shape);
    for (let j = 0; j < hidden; j++) {
      for (let i = 0; i < inputs; i++) p.w1[j * inputs + i] = all[i * wide + model * hp + j];
      p.b1[j] = all[inputs * wide + model * hp + j];
    }
    const second = (inputs + 1) * wide + model * secondCount;
    for (let c = 0; c < outputs; c++) {
      for (let j = 0; j < hidden; j++) p.w2[c * hidden + j] = all[second + c * hp + j];
      p.b2[c] = all[second + outputs * hp + c];
    }
    return p;
  }

  /** A fresh Adam run for every model, model m with learningRates[m] and weightDecays[m]; every model alive. */
  startAdam(learningRates: ArrayLike<number>, weightDecays: ArrayLike<number>): void {
    if (learningRates.length !== this.models || weightDecays.length !== this.models) {
      throw new Error(
        `startAdam needs ${this.models} learning rates and weight decays, got ${learningRates.length} and ${weightDecays.length}`,
      );
    }
    const k = this.kernels();
    const rates = new Float64Array(k.memory.buffer, k.ratePointer(), this.models);
    const decays = new Float32Array(k.memory.buffer, k.decayPointer(), this.models);
    let options = resolveAdamOptions({ lr: 1 });
    for (let m = 0; m < this.models; m++) {
      options = resolveAdamOptions({ lr: learningRates[m], weightDecay: weightDecays[m] });
      rates[m] = options.lr;
      decays[m] = options.weightDecay;
    }
    k.startAdam(options.beta1, options.beta2, options.eps);
    this.adamStarted = true;
  }

  /**
   * Visits rows order[0..count) in minibatches of batchSize (the last one partial), one Adam step of
   * every live model per minibatch. Returns the steps taken (fewer when every model died).
   */
  trainEpoch(rows: Rows, order: Int32Array, count: number, batchSize: number): number {
    if (!this.adamStarted) throw new Error("WasmMlpGroup.trainEpoch: call startAdam first");
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    const k = this.kernels();
    const data = this.workspace.located(rows, this.shape);
    copyEpochOrder(k.memory, k.orderPointer(), order, count, data.n, "row");
    return k.trainEpoch(data.x, data.y, count, batchSize);
  }

  /** Which models are still alive (every step loss finite so far). */
  alive(): boolean[] {
    const k = this.kernels();
    return Array.from(new Int32Array(k.memory.buffer, k.alivePointer(), this.models), (flag) => flag !== 0);
  }

  /** Every model's loss over all rows, row-weighted (as WasmMlpEngine.meanLoss). */
  meanLosses(rows: Rows): Float64Array {
    const k = this.kernels();
    const data = this.workspace.located(rows, this.shape);
    k.lossSums(data.x, data.y, data.n);
    const divisor = this.shape.kind === "classification" ? data.n : data.n * this.shape.outputs;
    return new Float64Array(k.memory.buffer, k.lossSumPointer(), this.models).map((sum) => sum / divisor);
  }
}
