/**
 * Exact, compact text for weight arrays in saved states: the little-endian bytes in base64.
 * A policy's weights and Adam moments are thousands of numbers, and the study saves the sampler's
 * state after every trial: as JSON numbers they were ~200 KB per save, as base64 about half, and
 * one string is far cheaper for storages to copy than thousands of numbers.
 */
export function encodeFloat32(values: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return Buffer.from(view.buffer).toString("base64");
}

export function encodeFloat64(values: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return Buffer.from(view.buffer).toString("base64");
}

function bytesOf(text: string, width: number, what: string): DataView {
  if (typeof text !== "string") throw new Error(`${what}: expected a base64 string, got ${typeof text}`);
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % width !== 0) throw new Error(`${what}: ${bytes.length} bytes is not a whole number of ${width}-byte values`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function decodeFloat32(text: string, what = "weights"): Float32Array {
  const view = bytesOf(text, 4, what);
  const out = new Float32Array(view.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function decodeFloat64(text: string, what = "values"): Float64Array {
  const view = bytesOf(text, 8, what);
  const out = new Float64Array(view.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
