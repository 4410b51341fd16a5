/**
 * Runs objectives in this thread. Async objectives overlap (up to optimize's concurrency);
 * synchronous ones run one after another. A trial past its time limit is failed at once, but a
 * JavaScript function cannot be interrupted: it keeps running in the background, and its later
 * writes to the finished trial are refused (use the thread pool to really stop CPU-bound work).
 */

import { isObjectiveSpec, loadObjective, type ObjectiveSpec, specKey } from "../objectives/spec.ts";
import type { Objective } from "../trial/types.ts";
import { type Executor, type TrialJob, TrialTimeoutError } from "./executor.ts";

export class InlineExecutor implements Executor {
  readonly name = "inline";
  private readonly loaded = new Map<string, Promise<Objective>>();

  async run(job: TrialJob): Promise<unknown> {
    const objective = await this.resolve(job.objective);
    if (job.timeoutMs === undefined) return objective(job.trial);
    const limit = job.timeoutMs;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TrialTimeoutError(limit)), limit);
    });
    const running = (async () => objective(job.trial))();
    // The abandoned objective may still reject later; keep that from becoming an unhandled rejection.
    running.catch(() => undefined);
    try {
      const value = await Promise.race([running, timeout]);
      // Synchronous work blocks the timer, so an overrun is only seen once the objective yields.
      if (performance.now() - started > limit) throw new TrialTimeoutError(limit);
      return value;
    } finally {
      clearTimeout(timer);
    }
  }

  private resolve(objective: Objective | ObjectiveSpec): Promise<Objective> {
    if (typeof objective === "function") return Promise.resolve(objective);
    if (!isObjectiveSpec(objective)) return Promise.reject(new Error("the objective must be a function or an ObjectiveSpec"));
    const key = specKey(objective);
    let loading = this.loaded.get(key);
    if (loading === undefined) {
      loading = loadObjective(objective);
      this.loaded.set(key, loading);
    }
    return loading;
  }
}
