/** Distributions in words, for error messages. */
import type { Distribution } from "../space/types.ts";

export function describeDistribution(distribution: Distribution): string {
  if (distribution.type === "categorical") return `categorical ${JSON.stringify(distribution.choices)}`;
  const extras: string[] = [];
  if (distribution.step !== undefined) extras.push(`step ${distribution.step}`);
  if (distribution.log === true) extras.push("log");
  return `${distribution.type} [${distribution.low}, ${distribution.high}]${extras.length > 0 ? ` (${extras.join(", ")})` : ""}`;
}
