/**
 * Policies as JSON: the shape (kind, cell, choices per parameter, hidden sizes) and the weights.
 * A policy exported from one study warm-starts another over a space of the same shape (transfer).
 */
import type { Rng } from "../nn/rng.ts";
import { MlpPolicy } from "./mlp-policy.ts";
import type { Policy, PolicyKind, PolicyShape, RecurrentCellKind } from "./policy.ts";
import { RnnPolicy } from "./rnn-policy.ts";

export interface ExportedPolicy {
  format: "hyperforce-policy";
  version: 1;
  shape: PolicyShape;
  /** Parameter names of the space it was trained on (informational: transfer needs the same shape only). */
  names: string[];
  weights: number[][];
}

export interface PolicyChoice {
  policy: PolicyKind;
  cell?: RecurrentCellKind;
  hidden?: [number, number];
  /** Per parameter, its ordinal head's width (0: plain softmax). */
  ordinal?: readonly number[];
}

export function createPolicy(sizes: readonly number[], choice: PolicyChoice, rng: Rng): Policy {
  if (choice.policy === "mlp") {
    if (choice.cell !== undefined) throw new Error(`cell "${choice.cell}" applies to the rnn policy only, not to mlp`);
    return new MlpPolicy(sizes, rng, { hidden: choice.hidden, ordinal: choice.ordinal });
  }
  if (choice.policy === "rnn") return new RnnPolicy(sizes, rng, { cell: choice.cell, hidden: choice.hidden, ordinal: choice.ordinal });
  throw new Error(`unknown policy "${choice.policy as string}": use "mlp" or "rnn"`);
}

export function exportPolicy(policy: Policy, names: readonly string[]): ExportedPolicy {
  return {
    format: "hyperforce-policy",
    version: 1,
    shape: policy.shape(),
    names: names.slice(),
    weights: policy.params.map((p) => Array.from(p)),
  };
}

function describe(shape: PolicyShape): string {
  const cell = shape.cell ? ` ${shape.cell}` : "";
  const ordinal = shape.ordinal ? ` and ordinal widths [${shape.ordinal.join(", ")}]` : " and plain softmax heads";
  return `${shape.kind}${cell} with choices [${shape.sizes.join(", ")}], hidden [${shape.hidden.join(", ")}]${ordinal}`;
}

/** Copies saved weights into a policy of the same shape; anything else is a clear error. */
export function loadPolicyWeights(policy: Policy, saved: ExportedPolicy | { shape: PolicyShape; weights: number[][] }): void {
  if ("format" in saved && (saved.format !== "hyperforce-policy" || saved.version !== 1)) {
    throw new Error(`not a hyperforce policy (format "${String(saved.format)}", version ${String(saved.version)})`);
  }
  const mine = policy.shape();
  if (JSON.stringify(mine) !== JSON.stringify(saved.shape)) {
    throw new Error(`the saved policy is a ${describe(saved.shape)}; this study needs a ${describe(mine)}`);
  }
  if (saved.weights.length !== policy.params.length) {
    throw new Error(`the saved policy has ${saved.weights.length} weight arrays, expected ${policy.params.length}`);
  }
  saved.weights.forEach((w, t) => {
    if (w.length !== policy.params[t].length)
      throw new Error(`saved weight array ${t} has length ${w.length}, expected ${policy.params[t].length}`);
    if (!w.every(Number.isFinite)) throw new Error(`saved weight array ${t} holds a non-finite number`);
  });
  saved.weights.forEach((w, t) => policy.params[t].set(w));
}
