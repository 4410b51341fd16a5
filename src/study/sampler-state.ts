/**
 * The sampler's saved state, kept in the study as several system attributes, one per part
 * ("sampler_state:agent.weights", "sampler_state:agent.pending", ...), each written only when it
 * changed, plus "sampler_state" listing the parts that make up the current state. An RL policy's
 * weights and optimiser moments change once per policy update, not once per trial, so the journal
 * grows by the small parts after most trials instead of by the whole state.
 */
const MANIFEST = "sampler_state";
/** The name of the sampler that wrote the state (a state means nothing to another kind of sampler). */
const SAMPLER_NAME = "sampler";
const PREFIX = `${MANIFEST}:`;
/** Objects are split into parts down to this depth; deeper values stay inside their part. */
const SPLIT_DEPTH = 2;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The attribute name and value of every part of a state. */
export function stateParts(state: unknown): Map<string, unknown> {
  const parts = new Map<string, unknown>();
  const visit = (value: unknown, path: string[]): void => {
    if (path.length < SPLIT_DEPTH && isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, inner] of Object.entries(value)) visit(inner, [...path, key]);
      return;
    }
    parts.set(PREFIX + path.map((key) => key.replace(/[.\\]/g, (c) => `\\${c}`)).join("."), value);
  };
  visit(state, []);
  return parts;
}

function splitPath(name: string): string[] {
  const keys: string[] = [];
  let current = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === "\\") current += name[++i];
    else if (c === ".") {
      keys.push(current);
      current = "";
    } else current += c;
  }
  keys.push(current);
  return keys;
}

/**
 * Rebuilds the sampler state saved in a study's system attributes; undefined when none was saved, or
 * when `samplerName` is given and another kind of sampler saved it.
 */
export function savedSamplerState(attrs: Record<string, unknown>, samplerName?: string): unknown {
  if (samplerName !== undefined && attrs[SAMPLER_NAME] !== samplerName) return undefined;
  const manifest = attrs[MANIFEST];
  if (!Array.isArray(manifest)) return undefined;
  const names = manifest.filter((name): name is string => typeof name === "string" && Object.hasOwn(attrs, name));
  let root: unknown;
  for (const name of names) {
    const rest = name.slice(PREFIX.length);
    if (rest === "") {
      root = attrs[name];
      continue;
    }
    if (!isPlainObject(root)) root = {};
    let node = root as Record<string, unknown>;
    const keys = splitPath(rest);
    for (const key of keys.slice(0, -1)) {
      if (!isPlainObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = attrs[name];
  }
  return root;
}

/** Remembers what was written last, so an unchanged part is not written again. */
export class SamplerStateWriter {
  private readonly written = new Map<string, string>();

  /** Calls `write` for every attribute that differs from what this writer wrote (or found) before. */
  save(samplerName: string, state: unknown, write: (name: string, value: unknown) => void): void {
    this.writeIfChanged(SAMPLER_NAME, samplerName, write);
    const parts = stateParts(state);
    for (const [name, value] of parts) this.writeIfChanged(name, value, write);
    this.writeIfChanged(MANIFEST, [...parts.keys()].sort(), write);
  }

  private writeIfChanged(name: string, value: unknown, write: (name: string, value: unknown) => void): void {
    const json = JSON.stringify(value);
    if (this.written.get(name) === json) return;
    write(name, value);
    this.written.set(name, json);
  }

  /** Marks the parts already in storage as written (after a study is loaded). */
  remember(attrs: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(attrs)) {
      if (name === SAMPLER_NAME || name === MANIFEST || name.startsWith(PREFIX)) this.written.set(name, JSON.stringify(value));
    }
  }
}
