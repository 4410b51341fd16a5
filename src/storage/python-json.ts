/**
 * JSON as Python's json module writes and reads it: like standard JSON, plus the bare tokens
 * NaN, Infinity and -Infinity for non-finite numbers (Optuna's journal may contain them, e.g. a
 * NaN intermediate value).
 */
import { UsageError } from "../errors/errors.ts";

/** Serializes a value; throws naming `what` and the path when part of it has no JSON form. */
export function toPythonJson(value: unknown, what = "value"): string {
  return write(value, what, "");
}

function write(value: unknown, what: string, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (value === Infinity) return "Infinity";
      if (value === -Infinity) return "-Infinity";
      return JSON.stringify(value);
    case "string":
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new UsageError(`${what} cannot be stored as JSON: ${typeof value} at ${path || "top level"}`);
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") return write(withToJson.toJSON(), what, path);
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => write(item, what, `${path}[${i}]`)).join(",")}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (value as object).constructor?.name ?? "object";
    throw new UsageError(`${what} cannot be stored as JSON: a ${name} at ${path || "top level"} (use plain objects and arrays)`);
  }
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue; // as JSON.stringify does for optional fields
    parts.push(`${JSON.stringify(key)}:${write(item, what, `${path}.${key}`)}`);
  }
  return `{${parts.join(",")}}`;
}

/** Parses one JSON text that may contain Python's NaN / Infinity / -Infinity tokens. */
export function fromPythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  // Replace the bare tokens (outside strings) by marker strings that do not occur in the text,
  // then turn the markers back into numbers.
  let marker = "@@nonfinite";
  while (text.includes(marker)) marker += "@";
  const tokens: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
  let out = "";
  let i = 0;
  const open: string[] = []; // enclosing "{" and "["
  let previous = ""; // the last significant character outside strings
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      previous = '"';
      continue;
    }
    // A value position: after ":" in an object, after "[" or "," in an array, or the whole text.
    const inArray = open[open.length - 1] === "[";
    const atValue = previous === ":" || (inArray && (previous === "[" || previous === ",")) || (open.length === 0 && previous === "");
    const token = atValue ? ["-Infinity", "Infinity", "NaN"].find((t) => text.startsWith(t, i)) : undefined;
    if (token !== undefined) {
      out += JSON.stringify(marker + token);
      i += token.length;
      previous = '"';
      continue;
    }
    if (ch === "{" || ch === "[") open.push(ch);
    if (ch === "}" || ch === "]") open.pop();
    if (!/\s/.test(ch)) previous = ch;
    out += ch;
    i += 1;
  }
  return JSON.parse(out, (_key, value) =>
    typeof value === "string" && value.startsWith(marker) && value.slice(marker.length) in tokens
      ? tokens[value.slice(marker.length)]
      : value,
  );
}

/** A deep copy through the JSON form: what a reader of the journal gets back. */
export function jsonClone(value: unknown, what = "value"): unknown {
  return fromPythonJson(toPythonJson(value, what));
}
