export type {
  CategoricalChoice,
  CategoricalDistribution,
  Distribution,
  FloatDistribution,
  IntDistribution,
  ParamValue,
  Params,
  SearchSpace,
} from "./types.ts";
export { choiceAt, choiceCount, choiceIndex, discreteChoices, gridCount, isDiscrete } from "./discrete.ts";
export { paperSpace, presetNames, spacePreset } from "./presets.ts";
export { distributionProblems, spaceProblems, validateDistribution, validateSpace } from "./validate.ts";
export { defineSpace, type NamedParameter } from "./define.ts";
export { spaceFromJSON, spaceToJSON, type SpaceJSON } from "./json.ts";
export { containsValue, sameDistribution } from "./compare.ts";
export { decodeIndices, encodeParams } from "./encode.ts";
