import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type AdamOptions, resolveAdamOptions } from "./adam.ts";
import { copyEpochOrder } from "./epoch-order.ts";
import {
  checkMaxBatch,
  checkMlpParameters,
  checkMlpShape,
  emptyMlpParameters,
  type MlpEngine,
  type MlpParameters,
  type MlpShape,
  type Rows,
} from "./mlp.ts";

/**
 * Loader for the WebAssembly SIMD kernels (assembly/mlp.ts, built by `npm run build:wasm` into
 * build/mlp.wasm) and the WebAssembly implementation of the MLP trainer.
 *
 * A WasmWorkspace is one wasm instance with its own memory: datasets are copied into it once, then
 * any number of engines (one live at a time) train on them with buffers laid out after the data.
 */
// The compiler options (lib ES2022, no DOM) carry no WebAssembly types: declare the little we use.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface Kernels {
  memory: WasmMemory;
  heapBase(): number;
  layout(base: number, inputs: number, hidden: number, outputs: number, classification: number, maxRows: number, models: number): number;
  paramsPointer(): number;
  paramCountPadded(): number;
  orderPointer(): number;
  lossPointer(): number;
  ratePointer(): number;
  decayPointer(): number;
  alivePointer(): number;
  lossSumPointer(): number;
  startAdam(beta1: number, beta2: number, eps: number): void;
  trainEpoch(x: number, y: number, count: number, batch: number): number;
  lossSums(x: number, y: number, count: number): void;
  meanLoss(x: number, y: number, count: number): number;
  lossAndGradient(x: number, y: number, rows: number): number;
}

// src/nn/wasm.ts runs from the repository (tsx) or from dist/src/nn/wasm.js after a build.
const compiledModules = new Map<string, { module: object | null; reason: string }>();

/**
 * The compiled module build/<name>.wasm, or null with the reason when it is missing or does not
 * compile (both cached: each file is read and compiled once per process).
 */
export function compiledWasmModule(name: string): { module: object | null; reason: string } {
  const known = compiledModules.get(name);
  if (known !== undefined) return known;
  const paths = [`../../build/${name}.wasm`, `../../../build/${name}.wasm`].map((candidate) =>
    fileURLToPath(new URL(candidate, import.meta.url)),
  );
  const found = paths.find((path) => existsSync(path));
  let result: { module: object | null; reason: string };
  if (found === undefined) {
    result = {
      module: null,
      reason: `the WebAssembly kernels are not built (looked for ${paths.join(" and ")}): run \`npm run build:wasm\``,
    };
  } else {
    try {
      result = { module: new WebAssemblyApi.Module(readFileSync(found)), reason: "" };
    } catch (error) {
      result = {
        module: null,
        reason: `${found} could not be compiled (${(error as Error).message}): rebuild it with \`npm run build:wasm\``,
      };
    }
  }
  compiledModules.set(name, result);
  return result;
}

/** A fresh instance of a compiled module (its own memory). */
export function instantiateWasm(module: object): unknown {
  return new WebAssemblyApi.Instance(module, {}).exports;
}

function compiledModule(): object | null {
  return compiledWasmModule("mlp").module;
}

/** Whether the wasm kernels can be used here; when not, `wasmUnavailableReason()` says why. */
export function wasmAvailable(): boolean {
  return compiledModule() !== null;
}

export function wasmUnavailableReason(): string | null {
  return compiledModule() === null ? compiledWasmModule("mlp").reason : null;
}

export interface Uploaded {
  x: number;
  y: number;
  n: number;
  inputs: number;
  /** Largest class count the labels were checked against (the kernels index by label unchecked). */
  labelsCheckedFor: number;
}

export class WasmWorkspace {
  private readonly kernels: Kernels;
  private readonly uploads = new Map<Rows, Uploaded>();
  private dataEnd: number;
  private maxRows = 0;
  /** Bumped whenever the memory layout after the data changes; engines from older layouts refuse to run. */
  private generation = 0;

  constructor() {
    const module = compiledModule();
    if (module === null) throw new Error(compiledWasmModule("mlp").reason);
    this.kernels = new WebAssemblyApi.Instance(module, {}).exports as unknown as Kernels;
    this.dataEnd = this.kernels.heapBase();
  }

  /**
   * Copies rows into wasm memory, once per Rows object (the rows must not change afterwards).
   * Uploading invalidates engines created before.
   */
  upload(rows: Rows, inputs: number): void {
    const known = this.uploads.get(rows);
    if (known !== undefined) {
      if (known.inputs !== inputs) throw new Error(`rows were uploaded with ${known.inputs} inputs, now used with ${inputs}`);
      return;
    }
    checkRows(rows, inputs);
    const x = align16(this.dataEnd);
    const y = align16(x + rows.n * inputs * 4);
    const end = y + rows.n * 4;
    this.ensureMemory(end);
    new Float32Array(this.kernels.memory.buffer, x, rows.n * inputs).set(rows.x.subarray(0, rows.n * inputs));
    new Float32Array(this.kernels.memory.buffer, y, rows.n).set(rows.y.subarray(0, rows.n));
    this.uploads.set(rows, { x, y, n: rows.n, inputs, labelsCheckedFor: 0 });
    this.dataEnd = end;
    this.maxRows = Math.max(this.maxRows, rows.n);
    this.generation++;
  }

  /** A trainer whose buffers follow the uploaded data; the previous engine of this workspace stops working. */
  createEngine(shape: MlpShape, maxBatch: number): WasmMlpEngine {
    checkMlpShape(shape);
    checkMaxBatch(maxBatch);
    this.generation++;
    return new WasmMlpEngine(this, shape, maxBatch, this.generation);
  }

  /** @internal Makes every earlier engine stale and returns the generation a new one binds with. */
  claim(): number {
    return ++this.generation;
  }

  /** @internal */
  bind(shape: MlpShape, generation: number, models = 1, owner = "WasmMlpEngine"): Kernels {
    if (generation !== this.generation) {
      throw new Error(`this ${owner} is stale: its workspace has since created another engine or uploaded more rows`);
    }
    const k = this.kernels;
    const end = k.layout(
      this.dataEnd,
      shape.inputs,
      shape.hidden,
      shape.outputs,
      shape.kind === "classification" ? 1 : 0,
      Math.max(this.maxRows, 1),
      models,
    );
    this.ensureMemory(end);
    return k;
  }

  /** @internal */
  located(rows: Rows, shape: MlpShape): Uploaded {
    const found = this.uploads.get(rows);
    if (found === undefined) throw new Error("these rows were not uploaded to the engine's workspace (call workspace.upload first)");
    if (found.inputs !== shape.inputs) throw new Error(`rows were uploaded with ${found.inputs} inputs, the engine has ${shape.inputs}`);
    if (shape.kind === "classification" && found.labelsCheckedFor !== shape.outputs) {
      for (let r = 0; r < rows.n; r++) {
        const label = rows.y[r];
        if (!(Number.isInteger(label) && label >= 0 && label < shape.outputs)) {
          throw new Error(`row ${r} has label ${label}, expected an integer in [0, ${shape.outputs - 1}]`);
        }
      }
      found.labelsCheckedFor = shape.outputs;
    }
    return found;
  }

  private ensureMemory(end: number): void {
    const memory = this.kernels.memory;
    const have = memory.buffer.byteLength;
    if (end > have) memory.grow(Math.ceil((end - have) / 65536));
  }
}

function align16(p: number): number {
  return (p + 15) & ~15;
}

function checkRows(rows: Rows, inputs: number): void {
  if (!Number.isInteger(rows.n) || rows.n < 1) throw new Error(`rows.n must be a positive integer, got ${rows.n}`);
  if (rows.x.length < rows.n * inputs) throw new Error(`rows.x has ${rows.x.length} values, expected ${rows.n} x ${inputs}`);
  if (rows.y.length < rows.n) throw new Error(`rows.y has ${rows.y.length} values, expected ${rows.n}`);
}

/** The WebAssembly trainer; same contract as MlpTrainer. Create it with WasmWorkspace.createEngine. */
export class WasmMlpEngine implements MlpEngine {
  readonly shape: MlpShape;
  readonly maxBatch: number;
  private readonly workspace: WasmWorkspace;
  private readonly generation: number;
  private readonly paddedHidden: number;
  private adamStarted = false;

  /** @internal use WasmWorkspace.createEngine */
  constructor(workspace: WasmWorkspace, shape: MlpShape, maxBatch: number, generation: number) {
    this.workspace = workspace;
    this.shape = { ...shape };
    this.maxBatch = maxBatch;
    this.generation = generation;
    this.paddedHidden = (shape.hidden + 3) & ~3;
    workspace.bind(this.shape, generation);
  }

  private kernels(): Kernels {
    return this.workspace.bind(this.shape, this.generation);
  }

  /** Views of the padded parameter (or, with `gradients`, gradient) block: w1t [inputs][hp], b1, w2 [outputs][hp], b2. */
  private blocks(k: Kernels, gradients: boolean) {
    const { inputs, outputs } = this.shape;
    const hp = this.paddedHidden;
    const count = k.paramCountPadded();
    const all = new Float32Array(k.memory.buffer, k.paramsPointer() + (gradients ? count * 4 : 0), count);
    const w1t = all.subarray(0, inputs * hp);
    const b1 = all.subarray(inputs * hp, inputs * hp + hp);
    const w2 = all.subarray(inputs * hp + hp, inputs * hp + hp + outputs * hp);
    const b2 = all.subarray(inputs * hp + hp + outputs * hp);
    return { all, w1t, b1, w2, b2 };
  }

  setParameters(parameters: MlpParameters): void {
    checkMlpParameters(this.shape, parameters);
    const k = this.kernels();
    const { inputs, hidden, outputs } = this.shape;
    const hp = this.paddedHidden;
    const b = this.blocks(k, false);
    b.all.fill(0);
    for (let j = 0; j < hidden; j++) {
      for (let i = 0; i < inputs; i++) b.w1t[i * hp + j] = parameters.w1[j * inputs + i];
      b.b1[j] = parameters.b1[j];
    }
    for (let c = 0; c < outputs; c++) {
      for (let j = 0; j < hidden; j++) b.w2[c * hp + j] = parameters.w2[c * hidden + j];
      b.b2[c] = parameters.b2[c];
    }
  }

  getParameters(): MlpParameters {
    return this.read(false);
  }

  /** Gradients of the last lossAndGradient call, PyTorch layout. */
  getGradients(): MlpParameters {
    return this.read(true);
  }

  private read(gradients: boolean): MlpParameters {
    const k = this.kernels();
    const { inputs, hidden, outputs } = this.shape;
    const hp = this.paddedHidden;
    const b = this.blocks(k, gradients);
    const p = emptyMlpParameters(this.shape);
    for (let j = 0; j < hidden; j++) {
      for (let i = 0; i < inputs; i++) p.w1[j * inputs + i] = b.w1t[i * hp + j];
      p.b1[j] = b.b1[j];
    }
    for (let c = 0; c < outputs; c++) {
      for (let j = 0; j < hidden; j++) p.w2[c * hidden + j] = b.w2[c * hp + j];
      p.b2[c] = b.b2[c];
    }
    return p;
  }

  startAdam(options: AdamOptions): void {
    const o = resolveAdamOptions(options);
    const k = this.kernels();
    new Float64Array(k.memory.buffer, k.ratePointer(), 1)[0] = o.lr;
    new Float32Array(k.memory.buffer, k.decayPointer(), 1)[0] = o.weightDecay;
    k.startAdam(o.beta1, o.beta2, o.eps);
    this.adamStarted = true;
  }

  trainEpoch(rows: Rows, order: Int32Array, count: number, batchSize: number, losses: Float64Array, lossOffset: number): number {
    if (!this.adamStarted) throw new Error("WasmMlpEngine.trainEpoch: call startAdam first");
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > this.maxBatch) {
      throw new Error(`batch size must be an integer in [1, ${this.maxBatch}], got ${batchSize}`);
    }
    const k = this.kernels();
    const data = this.workspace.located(rows, this.shape);
    copyEpochOrder(k.memory, k.orderPointer(), order, count, data.n, "row");
    // Each call starts live: the contract stops an epoch at a non-finite loss, not every later epoch.
    new Int32Array(k.memory.buffer, k.alivePointer(), 1)[0] = 1;
    const steps = k.trainEpoch(data.x, data.y, count, batchSize);
    losses.set(new Float64Array(k.memory.buffer, k.lossPointer(), steps), lossOffset);
    return steps;
  }

  meanLoss(rows: Rows): number {
    const k = this.kernels();
    const data = this.workspace.located(rows, this.shape);
    return k.meanLoss(data.x, data.y, data.n);
  }

  /** Mean loss and gradients of the first `count` uploaded rows, without an update (gradients via getGradients). */
  lossAndGradient(rows: Rows, count: number): number {
    const k = this.kernels();
    const data = this.workspace.located(rows, this.shape);
    if (!Number.isInteger(count) || count < 1 || count > Math.min(data.n, this.maxBatch)) {
      throw new Error(`lossAndGradient: count must be in [1, ${Math.min(data.n, this.maxBatch)}], got ${count}`);
    }
    return k.lossAndGradient(data.x, data.y, count);
  }
}
