/**
 * Every sampler's options, in one place: one zod schema per sampler, the policy samplers' shared
 * fields extended by each of them (as tfjs's `DenseLayerArgs extends LayerArgs`). The option types are
 * read off these schemas, the samplers validate with them, and the command line and config files learn
 * from them which options exist. Options come from code, config files and the command line, so a
 * misspelt or ill-typed one is an error naming the sampler, the field and what was expected.
 *
 * Defaults are not here: they belong to each sampler (and the policy samplers' presets).
 */
import { z } from "zod";
import type { ExportedPolicy } from "../rl/checkpoint.ts";
import type { SearchSpace } from "../space/types.ts";

/** How a field says what it expected, given the field's name and the value it got. */
type Describe = (field: string, value: unknown) => string;

const descriptions = z.registry<{ describe: Describe }>();

/** An optional field whose every failure is reported by `describe`. */
function field<T extends z.ZodType>(schema: T, describe: Describe): z.ZodOptional<T> {
  const optional = schema.optional();
  descriptions.add(optional as z.ZodType, { describe });
  return optional;
}

/** A number field: "batchSize must be a positive integer, got 2.5". */
function numeric<T extends z.ZodType>(schema: T, expected: string): z.ZodOptional<T> {
  return field(schema, (name, value) => `${name} must be ${expected}, got ${String(value)}`);
}

function flag(): z.ZodOptional<z.ZodBoolean> {
  return field(z.boolean(), (name, value) => `${name} must be true or false, got ${JSON.stringify(value)}`);
}

/** One of a few names: 'unknown policy "lstm": use "mlp" or "rnn"'. */
function oneOf<const T extends readonly [string, ...string[]]>(
  noun: string,
  choices: T,
): z.ZodOptional<z.ZodEnum<{ [K in T[number]]: K }>> {
  const quoted = choices.map((choice) => `"${choice}"`);
  const listed = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return field(z.enum(choices), (_name, value) => `unknown ${noun} ${JSON.stringify(value)}: use ${listed}`);
}

/** A structured field: "hidden must be two positive integers, got [64,0]". */
function shaped<T extends z.ZodType>(schema: T, expected: string): z.ZodOptional<T> {
  return field(schema, (name, value) => `${name} must be ${expected}, got ${JSON.stringify(value)}`);
}

const positiveInt = z.number().int().min(1);
const isObject = (value: unknown): boolean => value !== null && typeof value === "object" && !Array.isArray(value);

export const POLICY_KINDS = ["mlp", "rnn"] as const;
export const RECURRENT_CELL_KINDS = ["elman", "gru"] as const;
export const BASELINE_KINDS = ["none", "batch-mean", "moving-average"] as const;
export const REINFORCE_PRESET_NAMES = ["paper", "default"] as const;

const seed = numeric(z.number(), "a finite number");
const levels = shaped(z.union([positiveInt, z.record(z.string(), positiveInt)]), "an integer >= 1 or { parameter: integer >= 1 }");

export const RandomOptionsSchema = z.strictObject({
  seed,
  /** Allow proposing a configuration the study already holds on a discrete space (default false). */
  allowRepeats: flag(),
});

export const GridOptionsSchema = z.strictObject({
  /** The grid's own space; without it the study's declared space is used. */
  space: shaped(z.custom<SearchSpace>(isObject), "a search space (an object of distributions)"),
  /** Values per continuous float (and, when given, per numeric parameter): see discreteChoices. */
  levels: numeric(positiveInt, "an integer >= 1"),
  shuffle: flag(),
  seed,
});

const trialsFunction = <T>() =>
  field(
    z.custom<(n: number) => T>((value) => typeof value === "function"),
    (name) => `${name} must be a function of the number of trials`,
  );

export const TpeOptionsSchema = z.strictObject({
  seed,
  /** Random trials before the model takes over (default 10). */
  nStartupTrials: numeric(z.number().int().min(0), "a non-negative integer"),
  /** Candidates drawn from the good estimator per decision (default 24). */
  nEiCandidates: numeric(positiveInt, "a positive integer"),
  /** How many of n ranked trials are good (default min(ceil(0.25 n), 25)). */
  gamma: trialsFunction<number>(),
  /** Observation weights, oldest first (default: flat, with a ramp over the oldest beyond 25). */
  weights: trialsFunction<number[]>(),
  /** Weight of the prior component (default 1). */
  priorWeight: numeric(z.number().positive(), "a positive number"),
  /** Let the outermost kernels' bandwidth reach the range ends (default false). */
  considerEndpoints: flag(),
  /** Keep every bandwidth at least range / min(100, kernels + 1) (default true). */
  considerMagicClip: flag(),
  /** Model parameters jointly: the declared space, define-by-run groups (default true; false: one at a time). */
  multivariate: flag(),
  /** Count RUNNING trials as bad ones so concurrent asks spread out (default false; no effect one trial at a time). */
  constantLiar: flag(),
  /** Allow proposing a configuration the study already holds on a discrete space (default false). */
  allowRepeats: flag(),
});

export const GpOptionsSchema = z.strictObject({
  seed,
  /** Completed trials sampled at random before the GP takes over (default 10). */
  nStartupTrials: numeric(z.number().int().min(0), "a non-negative integer"),
  /** Quasi-random points scored per proposal before local refinement (default 1024). */
  nCandidates: numeric(positiveInt, "a positive integer"),
  /** Allow proposing a configuration the study already holds on a discrete space (default false). */
  allowRepeats: flag(),
});

export const EVOLUTION_MUTATIONS = ["uniform", "neighbour"] as const;

export const EvolutionOptionsSchema = z.strictObject({
  seed,
  /** Members kept (the youngest finished trials) and random trials at the start (default 10). */
  populationSize: numeric(z.number().int().min(2), "an integer >= 2"),
  /** Members drawn per tournament (default 5, or populationSize when smaller; at most populationSize). */
  tournamentSize: numeric(positiveInt, "a positive integer"),
  /** How a discrete numeric parameter changes: to any other value ("uniform") or the next one up or down ("neighbour", the default). */
  mutation: oneOf("mutation", EVOLUTION_MUTATIONS),
  /** Allow proposing a configuration the study already holds on a discrete space (default false). */
  allowRepeats: flag(),
});

/** What the reinforce and ppo samplers share: the policy, the MDP and the policy-gradient settings. */
export const PolicyOptionsSchema = z.strictObject({
  seed,
  policy: oneOf("policy", POLICY_KINDS),
  /** Recurrent cell of the rnn policy (default "gru"). */
  cell: oneOf("cell", RECURRENT_CELL_KINDS),
  /** mlp: the two hidden widths ([64, 16]); rnn: [recurrent units, ReLU units] ([16, 8]). */
  hidden: shaped(z.tuple([positiveInt, positiveInt]), "two positive integers"),
  /** Trajectories per policy update. */
  batchSize: numeric(positiveInt, "a positive integer"),
  learningRate: numeric(z.number().positive(), "a positive number"),
  gamma: numeric(z.number().min(0).max(1), "in [0, 1]"),
  baseline: oneOf("baseline", BASELINE_KINDS),
  /** Divide advantages by the batch's standard deviation of returns. */
  standardize: flag(),
  movingAverageRate: numeric(z.number().gt(0).max(1), "in (0, 1]"),
  /** Initial entropy-bonus coefficient. */
  entropy: numeric(z.number().min(0), "a non-negative number"),
  /** Entropy coefficient multiplier per update. */
  entropyDecay: numeric(z.number().gt(0).max(1), "in (0, 1]"),
  /** Never evaluate a configuration twice (set false for noisy objectives that deserve re-evaluation). */
  cache: flag(),
  /** Episode length (the paper's Tmax). */
  tmax: numeric(positiveInt, "a positive integer"),
  /** Levels for continuous parameters: a number for all, or per parameter name. */
  levels,
  /** Best configurations kept for maximum-likelihood steps after each update (Abolafia et al. 2018); absent: none. */
  eliteSize: numeric(positiveInt, "a positive integer"),
  /** Maximum-likelihood steps on them after each update (default 1 when eliteSize is set). */
  eliteSteps: numeric(positiveInt, "a positive integer"),
  /** Learn from each result's rank among the evaluations so far instead of its value. */
  rankRewards: flag(),
  /** Risk-seeking policy gradient: only the batch's top share of returns learns (Petersen et al. 2021); 1: all. */
  riskSeeking: numeric(z.number().gt(0).max(1), "in (0, 1]"),
  /** Share of trials that change one parameter of the best configuration so far (needs tmax 1); absent: none. */
  edits: numeric(z.number().min(0).max(1), "in [0, 1]"),
  /**
   * Width, in choices, of the ordinal heads of numeric parameters (src/rl/ordinal.ts): neighbouring values
   * share credit; 0 gives plain softmax heads. Categorical parameters always get plain ones.
   */
  ordinalWidth: numeric(z.number().min(0).max(1000), "a number in [0, 1000]"),
  /** Warm start from a policy exported from another study over a space of the same shape. */
  initialPolicy: shaped(z.custom<ExportedPolicy>(isObject), "a policy exported by exportPolicy()"),
});

export const SURROGATE_KINDS = ["none", "ei", "ucb", "ei+tpe", "ei+tpe-adaptive"] as const;

/** The surrogate-in-the-loop options the policy samplers share (src/samplers/policy-surrogate.ts). */
const SURROGATE_FIELDS = {
  /**
   * Train the mlp policy against a surrogate's acquisition before each trial: the GP's log expected
   * improvement ("ei"), its upper confidence bound ("ucb"), or the even mixture of "ei"'s target and TPE's
   * density ratio's ("ei+tpe"), or their mixture weighted by which of the two has ranked the good trials higher so far
   * ("ei+tpe-adaptive"). Default "ei" with the mlp policy (reinforce's default preset, and ppo), "none" otherwise.
   */
  surrogate: oneOf("surrogate", SURROGATE_KINDS),
  /** Policy-gradient steps against the surrogate per trial. */
  surrogateSteps: numeric(positiveInt, "a positive integer"),
  /** Temperature T of the surrogate's target exp(acquisition / T). */
  surrogateTemperature: numeric(z.number().positive(), "a positive number"),
  surrogateLearningRate: numeric(z.number().positive(), "a positive number"),
  /** Completed trials before the surrogate is used (default 5 for reinforce, 10 for ppo). */
  surrogateStartupTrials: numeric(z.number().int().min(2), "an integer >= 2"),
  /** Completed trials between two fits of the surrogate's kernel. */
  surrogateRefitEvery: numeric(positiveInt, "a positive integer"),
};

export const ReinforceOptionsSchema = PolicyOptionsSchema.extend({
  /** "paper": the paper's settings; "default": chosen by measurement (see src/samplers/reinforce.ts). */
  preset: oneOf("reinforce preset", REINFORCE_PRESET_NAMES),
  ...SURROGATE_FIELDS,
});

export const PpoOptionsSchema = PolicyOptionsSchema.extend({
  ...SURROGATE_FIELDS,
  /** Clip range epsilon of the surrogate. */
  clip: numeric(z.number().gt(0).lt(1), "in (0, 1)"),
  /** Passes over each batch. */
  epochs: numeric(positiveInt, "a positive integer"),
  /** Steps per minibatch within a pass. */
  minibatchSize: numeric(positiveInt, "a positive integer"),
});

/** The schema of every sampler, by the name the command line and config files use. */
export const SAMPLER_OPTION_SCHEMAS = {
  grid: GridOptionsSchema,
  random: RandomOptionsSchema,
  tpe: TpeOptionsSchema,
  gp: GpOptionsSchema,
  evolution: EvolutionOptionsSchema,
  reinforce: ReinforceOptionsSchema,
  ppo: PpoOptionsSchema,
} as const;

export type RandomSamplerOptions = z.input<typeof RandomOptionsSchema>;
export type GridSamplerOptions = z.input<typeof GridOptionsSchema>;
export type TpeSamplerOptions = z.input<typeof TpeOptionsSchema>;
export type GpSamplerOptions = z.input<typeof GpOptionsSchema>;
export type EvolutionSamplerOptions = z.input<typeof EvolutionOptionsSchema>;
export type PolicySamplerOptions = z.input<typeof PolicyOptionsSchema>;
export type ReinforceSamplerOptions = z.input<typeof ReinforceOptionsSchema>;
export type PpoSamplerOptions = z.input<typeof PpoOptionsSchema>;
export type ReinforcePreset = (typeof REINFORCE_PRESET_NAMES)[number];

/** The option names a schema accepts, in its order. */
export function optionNames(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

/**
 * Checks a sampler's options against its schema and returns them; the error names the sampler, the
 * field and what it expected ('ppo sampler: clip must be in (0, 1), got 1.5').
 */
export function parseSamplerOptions<S extends z.ZodObject>(sampler: string, schema: S, options: unknown): z.output<S> {
  if (!isObject(options)) throw new Error(`${sampler} sampler: options must be an object`);
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    throw new Error(`${sampler} sampler: unknown option "${issue.keys[0]}" (options: ${optionNames(schema).join(", ")})`);
  }
  const name = String(issue.path[0]);
  const value = (options as Record<string, unknown>)[name];
  const describe = descriptions.get(schema.shape[name] as z.ZodType)?.describe;
  throw new Error(`${sampler} sampler: ${describe !== undefined ? describe(name, value) : `${name}: ${issue.message}`}`);
}
