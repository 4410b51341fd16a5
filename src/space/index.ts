export { containsValue, sameDistribution } from "./compare.ts";
export { defineSpace, type NamedParameter } from "./define.ts";
export { choiceAt, choiceCount, choiceIndex, discreteChoices, gridCount, isDiscrete } from "./discrete.ts";
export { decodeIndices, encodeParams } from "./encode.ts";
export { type SpaceJSON, spaceFromJSON, spaceToJSON } from "./json.ts";
export { paperCategoricalSpace, paperSpace, presetNames, spacePreset } from "./presets.ts";
export {
  type CategoricalChoice,
  type CategoricalDistribution,
  type Distribution,
  type FloatDistribution,
  hasChoices,
  type IntDistribution,
  isOrderedChoices,
  type OrderedChoicesDistribution,
  type Params,
  type ParamValue,
  type RangeDistribution,
  type SearchSpace,
} from "./types.ts";
export { distributionProblems, spaceProblems, validateDistribution, validateSpace } from "./validate.ts";
