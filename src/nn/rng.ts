/**
 * Seeded pseudo-random generator: xoshiro128** seeded through splitmix32.
 * Pure 32-bit integer arithmetic, so the same seed gives the same stream on every machine.
 * The state is four 32-bit words and can be saved and restored (policy checkpoints, resumed studies).
 */
export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number = 0) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`);
    // Fold the seed to 32 bits (seeds beyond 2^32 keep their high bits).
    const folded = (Math.floor(seed) ^ Math.floor(seed / 4294967296)) >>> 0;
    const next = splitmix32(folded);
    this.s0 = next() | 0;
    this.s1 = next() | 0;
    this.s2 = next() | 0;
    this.s3 = next() | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  getState(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  setState(state: RngState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.map((word) => word | 0) as RngState;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    // The words are kept as signed 32-bit integers (small integers to V8, not heap numbers): the
    // bits are those of xoshiro128**, only the result is read as unsigned.
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    let s0 = this.s0;
    let s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    s0 ^= s3;
    this.s1 = s1 ^ s2;
    s2 ^= s1 << 9;
    this.s0 = s0;
    this.s2 = s2;
    this.s3 = rotl(s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform float in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new Error(`Rng.int needs an integer n in [1, 2^32], got ${n}`);
    return this.below(n);
  }

  // Rejection sampling as int() describes, without its check (n an integer in [1, 2^32]).
  private below(n: number): number {
    const limit = 4294967296 - remainder(4294967296, n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return remainder(x, n);
  }

  /** A standard normal draw (Box-Muller, one draw per call). */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1 as an Int32Array. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** Index drawn from unnormalised non-negative weights. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    if (!(total > 0)) throw new Error("Rng.categorical needs at least one positive weight");
    let u = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** An independent generator derived from this one's stream (for sub-components). */
  fork(): Rng {
    return new Rng(this.nextUint32() * 4294967296 + this.nextUint32());
  }
}

/** x rotated left by k bits, as a signed 32-bit integer. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * x mod n for integers 0 <= x <= 2^32 and 1 <= n <= 2^32, without the floating-point remainder
 * (a library call in V8): the quotient rounded by the division is off by at most one, corrected here.
 */
function remainder(x: number, n: number): number {
  let r = x - Math.floor(x / n) * n;
  if (r < 0) r += n;
  else if (r >= n) r -= n;
  return r;
}
