/** `--name N` from the command line: an integer >= 1, or the fallback when the flag is absent. */
export function integerFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs an integer >= 1, got ${process.argv[at + 1]}`);
  return value;
}
