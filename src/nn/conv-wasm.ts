import { type AdamOptions, resolveAdamOptions } from "./adam.ts";
import {
  CLASSES,
  type ConvNetEngine,
  type ConvNetParameters,
  type ConvNetShape,
  checkConvNetParameters,
  checkConvNetShape,
  checkImages,
  emptyConvNetParameters,
  IMAGE_PIXELS,
  type Images,
  POOLED_SIDE,
} from "./conv-net.ts";
import { copyEpochOrder } from "./epoch-order.ts";
import { compiledWasmModule, instantiateWasm, type WasmMemory } from "./wasm.ts";

/**
 * The CNN trainer on the WebAssembly SIMD kernels of assembly/cnn.ts (built into build/cnn.wasm).
 * A ConvWasmWorkspace is one wasm instance: image sets are copied into its memory once, then engines
 * (one live at a time) lay their buffers out after them. The kernels pad channel counts and hidden
 * units to multiples of 4 and keep channels last; this file converts from and to PyTorch's layouts.
 */
interface CnnKernels {
  memory: WasmMemory;
  heapBase(): number;
  layout(base: number, c1: number, c2: number, hidden: number, maxRows: number): number;
  clearBuffers(): void;
  paramsPointer(): number;
  gradsPointer(): number;
  paramCountPadded(): number;
  orderPointer(): number;
  lossPointer(): number;
  correctCount(): number;
  startAdam(lr: number, weightDecay: number, beta1: number, beta2: number, eps: number): void;
  trainEpoch(x: number, y: number, count: number, batch: number): number;
  meanLoss(x: number, y: number, count: number): number;
  lossAndGradient(x: number, y: number, first: number, rows: number): number;
}

const CLASSES_PADDED = 12;

export function convWasmAvailable(): boolean {
  return compiledWasmModule("cnn").module !== null;
}

export function convWasmUnavailableReason(): string | null {
  const { module, reason } = compiledWasmModule("cnn");
  return module === null ? reason : null;
}

const pad4 = (n: number) => (n + 3) & ~3;

export class ConvWasmWorkspace {
  readonly kernels: CnnKernels;
  private readonly uploads = new Map<Images, { x: number; y: number }>();
  private dataEnd: number;
  private maxRows = 1;
  private generation = 0;

  constructor() {
    const { module, reason } = compiledWasmModule("cnn");
    if (module === null) throw new Error(reason);
    this.kernels = instantiateWasm(module) as CnnKernels;
    this.dataEnd = this.kernels.heapBase();
  }

  /**
   * Copies the images into wasm memory once per Images object (do not modify them afterwards).
   * Uploading invalidates engines created before.
   */
  upload(images: Images): { x: number; y: number } {
    const known = this.uploads.get(images);
    if (known !== undefined) return known;
    checkImages(images);
    const x = (this.dataEnd + 15) & ~15;
    const y = x + images.n * IMAGE_PIXELS * 4;
    this.ensureMemory(y + images.n * 4);
    new Float32Array(this.kernels.memory.buffer, x, images.n * IMAGE_PIXELS).set(images.x.subarray(0, images.n * IMAGE_PIXELS));
    new Float32Array(this.kernels.memory.buffer, y, images.n).set(images.y.subarray(0, images.n));
    const located = { x, y };
    this.uploads.set(images, located);
    this.dataEnd = y + images.n * 4;
    this.maxRows = Math.max(this.maxRows, images.n);
    this.generation++;
    return located;
  }

  /** @internal where uploaded images are; images must be uploaded before the engine is created. */
  located(images: Images): { x: number; y: number } {
    const found = this.uploads.get(images);
    if (found === undefined) throw new Error("these images were not uploaded to the engine's workspace (call workspace.upload first)");
    return found;
  }

  /** A trainer laid out after the uploaded images; earlier engines of this workspace stop working. */
  createEngine(shape: ConvNetShape): ConvWasmEngine {
    checkConvNetShape(shape);
    this.generation++;
    return new ConvWasmEngine(this, shape, this.generation);
  }

  /** @internal lays the engine's buffers out (again, if another engine ran in between). */
  bind(shape: ConvNetShape, generation: number): CnnKernels {
    if (generation !== this.generation) {
      throw new Error("this ConvWasmEngine is stale: its workspace has since created another engine or uploaded more images");
    }
    const end = this.kernels.layout(this.dataEnd, pad4(shape.c1), pad4(shape.c2), pad4(shape.hidden), this.maxRows);
    this.ensureMemory(end);
    this.kernels.clearBuffers();
    return this.kernels;
  }

  private ensureMemory(end: number): void {
    const memory = this.kernels.memory;
    const have = memory.buffer.byteLength;
    if (end > have) memory.grow(Math.ceil((end - have) / 65536));
  }
}

export class ConvWasmEngine implements ConvNetEngine {
  readonly shape: ConvNetShape;
  private readonly workspace: ConvWasmWorkspace;
  private readonly generation: number;
  private adamStarted = false;

  /** @internal use ConvWasmWorkspace.createEngine */
  constructor(workspace: ConvWasmWorkspace, shape: ConvNetShape, generation: number) {
    this.workspace = workspace;
    this.shape = { ...shape };
    this.generation = generation;
    workspace.bind(this.shape, generation);
  }

  private kernels(): CnnKernels {
    return this.workspace.bind(this.shape, this.generation);
  }

  // The padded block (parameters, or gradients) as one Float32Array.
  private block(gradients: boolean): Float32Array {
    const k = this.kernels();
    return new Float32Array(k.memory.buffer, gradients ? k.gradsPointer() : k.paramsPointer(), k.paramCountPadded());
  }

  setParameters(parameters: ConvNetParameters): void {
    checkConvNetParameters(this.shape, parameters);
    const all = this.block(false);
    all.fill(0);
    convert(this.shape, parameters, all, true);
  }

  getParameters(): ConvNetParameters {
    const p = emptyConvNetParameters(this.shape);
    convert(this.shape, p, this.block(false), false);
    return p;
  }

  getGradients(): ConvNetParameters {
    const p = emptyConvNetParameters(this.shape);
    convert(this.shape, p, this.block(true), false);
    return p;
  }

  startAdam(options: AdamOptions): void {
    const o = resolveAdamOptions(options);
    this.kernels().startAdam(o.lr, o.weightDecay, o.beta1, o.beta2, o.eps);
    this.adamStarted = true;
  }

  trainEpoch(images: Images, order: Int32Array, count: number, batchSize: number, losses: Float64Array, lossOffset: number): number {
    if (!this.adamStarted) throw new Error("ConvWasmEngine.trainEpoch: call startAdam first");
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    const data = this.workspace.located(images);
    const k = this.kernels();
    copyEpochOrder(k.memory, k.orderPointer(), order, count, images.n, "image");
    const steps = k.trainEpoch(data.x, data.y, count, batchSize);
    losses.set(new Float64Array(k.memory.buffer, k.lossPointer(), steps), lossOffset);
    return steps;
  }

  evaluate(images: Images): { loss: number; accuracy: number } {
    const data = this.workspace.located(images);
    const k = this.kernels();
    const loss = k.meanLoss(data.x, data.y, images.n);
    return { loss, accuracy: k.correctCount() / images.n };
  }

  lossAndGradient(images: Images, first: number, count: number): number {
    const data = this.workspace.located(images);
    if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 1 && first + count <= images.n)) {
      throw new Error(`lossAndGradient: images ${first}..${first + count} are not within the ${images.n} images`);
    }
    return this.kernels().lossAndGradient(data.x, data.y, first, count);
  }
}

/**
 * Copies between PyTorch's layout and the kernels' padded block (toBlock: into `block`). Kernel
 * layout: w1 [3][3][c1p], b1, w2 [3][3][c1p][c2p], b2, w3 [7][7][c2p][hp], b3, w4 [hp][12], b4 [12].
 */
function convert(shape: ConvNetShape, p: ConvNetParameters, block: Float32Array, toBlock: boolean): void {
  const { c1, c2, hidden } = shape;
  const [c1p, c2p, hp] = [pad4(c1), pad4(c2), pad4(hidden)];
  const cells = POOLED_SIDE * POOLED_SIDE;
  const offsets = { w1: 0, b1: 9 * c1p, w2: 10 * c1p, b2: 10 * c1p + 9 * c1p * c2p };
  const w3 = offsets.b2 + c2p;
  const b3 = w3 + cells * c2p * hp;
  const w4 = b3 + hp;
  const b4 = w4 + hp * CLASSES_PADDED;
  const move = (torch: Float32Array, ti: number, bi: number) => {
    if (toBlock) block[bi] = torch[ti];
    else torch[ti] = block[bi];
  };
  for (let o = 0; o < c1; o++) {
    for (let t = 0; t < 9; t++) move(p.conv1Weight, o * 9 + t, t * c1p + o);
    move(p.conv1Bias, o, offsets.b1 + o);
  }
  for (let o = 0; o < c2; o++) {
    for (let i = 0; i < c1; i++) {
      for (let t = 0; t < 9; t++) move(p.conv2Weight, (o * c1 + i) * 9 + t, offsets.w2 + (t * c1p + i) * c2p + o);
    }
    move(p.conv2Bias, o, offsets.b2 + o);
  }
  for (let j = 0; j < hidden; j++) {
    for (let c = 0; c < c2; c++) {
      for (let cell = 0; cell < cells; cell++) move(p.fc1Weight, j * c2 * cells + c * cells + cell, w3 + (cell * c2p + c) * hp + j);
    }
    move(p.fc1Bias, j, b3 + j);
  }
  for (let c = 0; c < CLASSES; c++) {
    for (let j = 0; j < hidden; j++) move(p.fc2Weight, c * hidden + j, w4 + j * CLASSES_PADDED + c);
    move(p.fc2Bias, c, b4 + c);
  }
}
