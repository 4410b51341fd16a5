/**
 * Randomised Halton points in the unit cube: the radical inverse of the index in the first d prime
 * bases, from a random starting index and shifted by a random offset per dimension modulo 1
 * (a Cranley-Patterson rotation), so every draw is a fresh low-discrepancy set. Dimensions beyond
 * the prime table fall back to plain uniform draws.
 */
import type { Rng } from "../../nn/rng.ts";

const PRIMES = [
  2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131,
];

export function radicalInverse(index: number, base: number): number {
  let result = 0;
  let fraction = 1 / base;
  let rest = index;
  while (rest > 0) {
    result += (rest % base) * fraction;
    rest = Math.floor(rest / base);
    fraction /= base;
  }
  return result;
}

/** Fills `out` (count × d, row-major) with randomised Halton points. */
export function fillHalton(rng: Rng, out: Float64Array, count: number, d: number): void {
  const start = 1 + rng.int(1 << 20);
  const shifts = new Float64Array(d);
  for (let k = 0; k < d; k++) shifts[k] = rng.uniform();
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < d; k++) {
      const u = k < PRIMES.length ? radicalInverse(start + i, PRIMES[k]) + shifts[k] : rng.uniform();
      out[i * d + k] = u >= 1 ? u - 1 : u;
    }
  }
}
