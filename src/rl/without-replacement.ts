/**
 * Sampling from a policy without replacement: the policy's distribution over configurations
 * restricted to those not seen yet (evaluated or running), renormalised,
 *   pi_S(x | s) = q(x | s) / (1 - Q(S | s)),  Q(S | s) = sum over seen x of q(x | s),
 * drawn exactly, parameter by parameter (after Kool et al. 2019 and Shi et al. 2020, who sample
 * sequence models without replacement with a trie of the sequences already drawn).
 *
 * The seen configurations form a trie; for a node u (a prefix) its "unseen mass" g(u) is the share of
 * the policy's mass under u that falls on unseen completions:
 *   g(full seen configuration) = 0,  g(u) = sum over choices c of p(c | u) * (c's child in the trie ? g(u c) : 1).
 * Choice c at node u is drawn with probability p(c | u) g(u c) / g(u); the product of these along a
 * configuration telescopes to q(x) / g(root), and g(root) = 1 - Q(S). Summing the unseen terms
 * directly (instead of 1 minus the seen mass) keeps g exact when the policy puts almost all of its
 * mass on seen configurations. A choice whose every completion is seen has g = 0: it is masked.
 *
 * The learner needs log pi_S(a | s) = log q(a | s) - log g(root) and its gradient; the normaliser's is
 *   -d log g(root) = (1 / g(root)) * sum over seen x of q(x | s) d log q(x | s),
 * one backward pass per seen configuration, weighted by q(x) / g(root).
 */
import type { Rng } from "../nn/rng.ts";
import type { Policy, PolicyEvaluation } from "./policy.ts";

interface TrieNode {
  children: Map<number, TrieNode>;
  /** Seen configurations under this node. */
  count: number;
  /** Filled by unseenMass: p(. | this prefix) and g(this prefix). */
  probabilities?: Float64Array;
  unseen?: number;
}

/** The seen configurations, as a trie over their indices (parameter 0 at the root). */
export class SeenTrie {
  readonly root: TrieNode = { children: new Map(), count: 0 };
  /** capacity[d]: the number of completions under a node at depth d. */
  private readonly capacity: number[];

  constructor(readonly sizes: readonly number[]) {
    this.capacity = new Array<number>(sizes.length + 1);
    this.capacity[sizes.length] = 1;
    for (let d = sizes.length - 1; d >= 0; d--) this.capacity[d] = this.capacity[d + 1] * sizes[d];
  }

  /** Adds a configuration; false when it was already in. */
  add(indices: ArrayLike<number>): boolean {
    const path: TrieNode[] = [this.root];
    let node = this.root;
    for (let d = 0; d < this.sizes.length; d++) {
      let child = node.children.get(indices[d]);
      if (child === undefined) {
        child = { children: new Map(), count: 0 };
        node.children.set(indices[d], child);
      }
      node = child;
      path.push(node);
    }
    if (node.count === 1) return false;
    for (const n of path) n.count++;
    return true;
  }

  get size(): number {
    return this.root.count;
  }

  /** True when every completion under a node at this depth is seen. */
  isFull(node: TrieNode, depth: number): boolean {
    return node.count >= this.capacity[depth];
  }

  /** True when every configuration of the space is seen. */
  get exhausted(): boolean {
    return this.isFull(this.root, 0);
  }
}

/** p(. | state, prefix) of one state; the mlp's heads ignore the prefix, so each is computed once. */
function headReader(policy: Policy, state: ArrayLike<number>): (prefix: readonly number[]) => Float64Array {
  if (policy.kind === "rnn") {
    let first = true;
    return (prefix) => {
      const p = policy.headProbabilities(state, prefix, !first);
      first = false;
      return p;
    };
  }
  const heads: Float64Array[] = [];
  return (prefix) => (heads[prefix.length] ??= policy.headProbabilities(state, prefix));
}

/** q(x | state): for the mlp the product of its heads' probabilities, which ignore the prefix (`heads[i]`). */
function probabilityOf(policy: Policy, state: ArrayLike<number>, x: ArrayLike<number>, heads: Float64Array[] | undefined): number {
  if (heads === undefined) return Math.exp(policy.evaluate(state, x).logProb);
  let q = 1;
  for (let i = 0; i < x.length; i++) q *= heads[i][x[i]];
  return q;
}

/** Computes g and p(. | prefix) for every node of the trie under the policy at `state`; returns g(root). */
export function unseenMass(policy: Policy, state: ArrayLike<number>, trie: SeenTrie): number {
  const n = policy.sizes.length;
  const prefix: number[] = [];
  const heads = headReader(policy, state);
  const visit = (node: TrieNode, depth: number): number => {
    if (depth === n) {
      node.unseen = 0;
      return 0;
    }
    const p = heads(prefix);
    node.probabilities = p;
    let total = 0;
    for (let c = 0; c < p.length; c++) {
      const child = node.children.get(c);
      if (child === undefined) total += p[c];
      else {
        prefix.push(c);
        total += p[c] * visit(child, depth + 1);
        prefix.pop();
      }
    }
    node.unseen = total;
    return total;
  };
  return visit(trie.root, 0);
}

export interface UnseenDraw {
  action: Int32Array;
  /** log pi_S(action | state): the log-probability of the distribution it was drawn from. */
  logProb: number;
  /**
   * False only when the policy's unseen mass underflowed to 0 where unseen configurations remain:
   * that choice was then uniform over the choices with an unseen completion (never seen in practice).
   */
  fromPolicy: boolean;
}

/** Draws from pi_S(. | state); undefined when every configuration is seen. */
export function sampleUnseen(policy: Policy, state: ArrayLike<number>, trie: SeenTrie, rng: Rng): UnseenDraw | undefined {
  if (trie.exhausted) return undefined;
  const n = policy.sizes.length;
  if (trie.size > 0) unseenMass(policy, state, trie);
  const heads = headReader(policy, state);
  const action = new Int32Array(n);
  const prefix: number[] = [];
  let node: TrieNode | undefined = trie.root;
  let logProb = 0;
  let fromPolicy = true;
  for (let d = 0; d < n; d++) {
    const p: Float64Array = node?.probabilities ?? heads(prefix);
    const weights = new Float64Array(p.length);
    let total = 0;
    for (let c = 0; c < p.length; c++) {
      const child = node?.children.get(c);
      weights[c] = child === undefined ? p[c] : p[c] * child.unseen!;
      total += weights[c];
    }
    if (!(total > 0) || !Number.isFinite(total)) {
      fromPolicy = false;
      total = 0;
      for (let c = 0; c < p.length; c++) {
        const child = node?.children.get(c);
        weights[c] = child === undefined || !trie.isFull(child, d + 1) ? 1 : 0;
        total += weights[c];
      }
    }
    const c = rng.categorical(weights.map((w) => w / total));
    action[d] = c;
    logProb += Math.log(weights[c] / total);
    prefix.push(c);
    node = node?.children.get(c);
  }
  return { action, logProb, fromPolicy };
}

/** The trie of a list of configurations (duplicates count once). */
export function trieOf(sizes: readonly number[], seen: readonly ArrayLike<number>[]): SeenTrie {
  const trie = new SeenTrie(sizes);
  for (const x of seen) trie.add(x);
  return trie;
}

/** log pi_S(action | state) at the policy's current weights, and the unrestricted evaluation of the action. */
export function restrictedEvaluate(
  policy: Policy,
  state: ArrayLike<number>,
  action: ArrayLike<number>,
  seen: SeenTrie | undefined,
): { evaluation: PolicyEvaluation; logProb: number; unseen: number } {
  const unseen = seen === undefined || seen.size === 0 ? 1 : unseenMass(policy, state, seen);
  const evaluation = policy.evaluate(state, action);
  return { evaluation, logProb: evaluation.logProb - Math.log(unseen), unseen };
}

/**
 * Adds logProbWeight * d log pi_S(action | state) + entropyWeight * d H(pi(. | state)) to the policy's
 * gradients (the entropy bonus stays the unrestricted policy's), given `unseen` = g(root) from
 * restrictedEvaluate at the same weights. Returns the action's unrestricted evaluation.
 */
export function restrictedBackward(
  policy: Policy,
  state: ArrayLike<number>,
  action: ArrayLike<number>,
  seen: readonly ArrayLike<number>[],
  unseen: number,
  logProbWeight: number,
  entropyWeight: number,
): PolicyEvaluation {
  if (logProbWeight !== 0 && unseen > 0 && seen.length > 0) {
    const prefix: number[] = [];
    const heads =
      policy.kind === "mlp"
        ? policy.sizes.map(() => {
            const p = policy.headProbabilities(state, prefix);
            prefix.push(0);
            return p;
          })
        : undefined;
    const weights = seen.map((x) => (logProbWeight * probabilityOf(policy, state, x, heads)) / unseen);
    if (policy.backwardMixture !== undefined) policy.backwardMixture(state, seen, weights);
    else {
      seen.forEach((x, k) => {
        if (weights[k] === 0) return;
        policy.evaluate(state, x);
        policy.backward(weights[k], 0);
      });
    }
  }
  const evaluation = policy.evaluate(state, action);
  policy.backward(logProbWeight, entropyWeight);
  return evaluation;
}
