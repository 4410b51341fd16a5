/** Names of the system attributes the study keeps in storage (shared with Optuna where Optuna has one). */
export const STUDY_ATTR = {
  /** The declared search space in our JSON form, so loadStudy can continue without it. */
  space: "space",
  /** The study seed: default sampler seed and the seed the built-in task derives training seeds from. */
  seed: "seed",
  /** Name of the sampler that wrote sampler_state. */
  sampler: "sampler",
  /** sampler.saveState() after the latest finished trial, in parts: see sampler-state.ts. */
  samplerState: "sampler_state",
  /** What experiment the study is (objective, space, sampler): a resume that differs is refused (definition.ts). */
  definition: "definition",
} as const;

export const TRIAL_ATTR = {
  /** Why a FAIL trial failed (Optuna writes the same key). */
  failReason: "fail_reason",
  /** Values given by enqueueTrial, taken by the trial that picks the WAITING trial up (Optuna's key). */
  fixedParams: "fixed_params",
  /** Epoch ms of the running trial's latest heartbeat (heartbeat.ts). */
  heartbeat: "heartbeat",
  /** The process running the trial: { host, pid }. */
  process: "process",
} as const;

export const STALE_RUNNING_REASON = "interrupted: left RUNNING by a process that stopped (no heartbeat within the grace period)";
