/** Builds a search space from a list of named parameters, rejecting repeated names, then validates it. */
import type { CategoricalDistribution, Distribution, FloatDistribution, IntDistribution, SearchSpace } from "./types.ts";
import { validateSpace } from "./validate.ts";

export type NamedParameter =
  | ({ name: string } & FloatDistribution)
  | ({ name: string } & IntDistribution)
  | ({ name: string } & CategoricalDistribution);

export function defineSpace(parameters: readonly NamedParameter[]): SearchSpace {
  if (!Array.isArray(parameters)) throw new Error("defineSpace needs an array of parameters");
  const space: SearchSpace = {};
  const positions = new Map<string, number>();
  const problems: string[] = [];
  parameters.forEach((parameter, position) => {
    const { name, ...distribution } = parameter;
    if (typeof name !== "string") {
      problems.push(`parameter at position ${position}: name must be a string`);
      return;
    }
    const earlier = positions.get(name);
    if (earlier !== undefined) {
      problems.push(`duplicate parameter name "${name}" (positions ${earlier} and ${position})`);
      return;
    }
    positions.set(name, position);
    Object.defineProperty(space, name, { value: distribution as Distribution, enumerable: true, writable: true, configurable: true });
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  validateSpace(space);
  return space;
}
