// The CNN rows of bench/trainer.ts: seconds per training epoch of the fashion task's CNN (c1 16, c2 32,
// hidden 64, lr 1e-3) on 10,000 Fashion-MNIST training images, for our WebAssembly path and for PyTorch
// on one thread (bench/pytorch_trainer.py --model cnn), batch by batch so that ratios come from one run.
// Each cell: one warm-up epoch, then the median of `repeats` epochs (wall and CPU time).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ConvNetShape, convNetForwardMacs, initConvNetParameters } from "../src/nn/conv-net.ts";
import { ConvWasmWorkspace } from "../src/nn/conv-wasm.ts";
import { Rng } from "../src/nn/rng.ts";
import { loadFashion } from "../src/tasks/fashion-data.ts";
import { fashionSplit } from "../src/tasks/fashion-split.ts";

const SHAPE: ConvNetShape = { c1: 16, c2: 32, hidden: 64 };
const IMAGES = 10_000;
const LR = 1e-3;
// The issue's idle-machine figures for PyTorch 1.13 on one thread (seconds per epoch).
const ISSUE_PYTORCH: Record<number, number> = { 8: 4.07, 32: 4.25, 128: 2.93 };

/** FLOPs of one epoch as the issue counts them: 3 x the forward multiply-adds x 2, per image. */
export const CNN_EPOCH_FLOP = 6 * convNetForwardMacs(SHAPE) * IMAGES;

interface EpochTiming {
  medianSeconds: number;
  medianCpuSeconds: number;
  wallSeconds: number[];
  cpuSeconds: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeOurs(workspace: ConvWasmWorkspace, images: { x: Float32Array; y: Float32Array; n: number }, batch: number, repeats: number) {
  const rng = new Rng(0);
  const engine = workspace.createEngine(SHAPE);
  engine.setParameters(initConvNetParameters(SHAPE, rng));
  engine.startAdam({ lr: LR });
  const losses = new Float64Array(Math.ceil(images.n / batch));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run <= repeats; run++) {
    const started = performance.now();
    const before = process.cpuUsage();
    const steps = engine.trainEpoch(images, rng.permutation(images.n), images.n, batch, losses, 0);
    const used = process.cpuUsage(before);
    if (steps !== losses.length) throw new Error(`the CNN diverged at batch ${batch}`);
    if (run === 0) continue;
    wall.push((performance.now() - started) / 1000);
    cpu.push((used.user + used.system) / 1e6);
  }
  return { medianSeconds: median(wall), medianCpuSeconds: median(cpu), wallSeconds: wall, cpuSeconds: cpu };
}

function timeTorch(python: string, script: string, folder: string, batch: number, repeats: number): EpochTiming & { torch: string } {
  const args = [script, "--model", "cnn", "--data", folder, "--batch-size", String(batch), "--lr", String(LR), "--weight-decay", "0"];
  const extra = ["--c1", String(SHAPE.c1), "--c2", String(SHAPE.c2), "--hidden", String(SHAPE.hidden), "--repeats", String(repeats)];
  const run = spawnSync(python, [...args, ...extra], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`bench/pytorch_trainer.py --model cnn failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** Times every batch size for both; `torchMissing` is null when PyTorch can run. */
export function benchCnn(options: {
  batchSizes: number[];
  repeats: number;
  scratch: string;
  python: string;
  script: string;
  torchMissing: string | null;
}) {
  const images = fashionSplit(loadFashion(), 0, IMAGES).train;
  const workspace = new ConvWasmWorkspace();
  workspace.upload(images);
  const folder = join(options.scratch, "fashion");
  if (options.torchMissing === null) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "images.f32"), new Uint8Array(images.x.buffer, images.x.byteOffset, images.x.byteLength));
    writeFileSync(join(folder, "labels.f32"), new Uint8Array(images.y.buffer, images.y.byteOffset, images.y.byteLength));
  }
  const cells = [];
  for (const batchSize of options.batchSizes) {
    const wasm = timeOurs(workspace, images, batchSize, options.repeats);
    const pytorch = options.torchMissing === null ? timeTorch(options.python, options.script, folder, batchSize, options.repeats) : null;
    const gflops = (seconds: number) => CNN_EPOCH_FLOP / seconds / 1e9;
    const cell = {
      batchSize,
      wasm: { ...wasm, gflopsWall: gflops(wasm.medianSeconds), gflopsCpu: gflops(wasm.medianCpuSeconds) },
      pytorch: pytorch && { ...pytorch, gflopsWall: gflops(pytorch.medianSeconds), gflopsCpu: gflops(pytorch.medianCpuSeconds) },
      speedVsPytorch: pytorch && {
        wall: pytorch.medianSeconds / wasm.medianSeconds,
        cpu: pytorch.medianCpuSeconds / wasm.medianCpuSeconds,
      },
      issuePytorchSeconds: ISSUE_PYTORCH[batchSize] ?? null,
    };
    cells.push(cell);
    const fmt = (s: number) => s.toFixed(2);
    console.log(
      `fashion cnn batch ${String(batchSize).padStart(4)}  wasm ${fmt(wasm.medianSeconds)} s/epoch (cpu ${fmt(wasm.medianCpuSeconds)})` +
        (pytorch
          ? `  pytorch ${fmt(pytorch.medianSeconds)} s/epoch (cpu ${fmt(pytorch.medianCpuSeconds)})  ` +
            `speed ${cell.speedVsPytorch?.wall.toFixed(2)}x wall, ${cell.speedVsPytorch?.cpu.toFixed(2)}x cpu`
          : ""),
    );
  }
  return {
    about:
      `Seconds per training epoch of the fashion CNN (c1 ${SHAPE.c1}, c2 ${SHAPE.c2}, hidden ${SHAPE.hidden}, lr ${LR}) on ${IMAGES} ` +
      "Fashion-MNIST training images (stratified draw, split seed 0), float32, one thread; one warm-up epoch, then the median of " +
      `the repeats. GFLOP/s count ${(CNN_EPOCH_FLOP / 1e9).toFixed(1)} GFLOP per epoch (3 x forward multiply-adds x 2, as the issue).`,
    shape: SHAPE,
    images: IMAGES,
    epochFlop: CNN_EPOCH_FLOP,
    cells,
  };
}
