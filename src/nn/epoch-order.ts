import type { WasmMemory } from "./wasm.ts";

/**
 * Checks an epoch's visiting order (its first `count` entries, each an index into `total` rows or
 * images) and copies it into a kernel's memory at `pointer`, where the trainEpoch kernels read it.
 */
export function copyEpochOrder(
  memory: WasmMemory,
  pointer: number,
  order: Int32Array,
  count: number,
  total: number,
  what: "row" | "image",
): void {
  if (!Number.isInteger(count) || count < 0 || count > total || count > order.length) {
    throw new Error(`trainEpoch: count ${count} exceeds the ${what}s (${total}) or the order (${order.length})`);
  }
  for (let i = 0; i < count; i++) {
    const index = order[i];
    if (!(index >= 0 && index < total)) throw new Error(`trainEpoch: order[${i}] = ${index} is not a ${what} index in [0, ${total})`);
  }
  new Int32Array(memory.buffer, pointer, count).set(order.subarray(0, count));
}
