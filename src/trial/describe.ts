/** Distributions in words, for error messages. */
import { type Distribution, isOrderedChoices } from "../space/types.ts";

export function describeDistribution(distribution: Distribution): string {
  if (distribution.type === "categorical") return `categorical ${JSON.stringify(distribution.choices)}`;
  if (isOrderedChoices(distribution))
    return `ordered ${distribution.type} ${JSON.stringify(distribution.choices)}${distribution.log ? " (log)" : ""}`;
  const extras: string[] = [];
  if (distribution.step !== undefined) extras.push(`step ${distribution.step}`);
  if (distribution.log === true) extras.push("log");
  return `${distribution.type} [${distribution.low}, ${distribution.high}]${extras.length > 0 ? ` (${extras.join(", ")})` : ""}`;
}
