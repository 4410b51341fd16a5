/**
 * One study of the reproduce experiment: a method (sampler label) on the paper task with one seed,
 * in the experiment's journal file, run or resumed to `budget` trials.
 */
import { samplerFromLabel } from "../samplers/index.ts";
import { JournalFileStorage } from "../storage/journal.ts";
import { createStudy } from "../study/study.ts";
import { isFinished } from "../trial/types.ts";
import { REPRODUCE_TASKS, type ReproduceTaskName } from "./reproduce-tasks.ts";

export interface StudyJob {
  journal: string;
  study: string;
  task: ReproduceTaskName;
  method: string;
  seed: number;
  budget: number;
  epochs?: number;
  /** Training images per trial (fashion). */
  trainSize?: number;
}

export interface StudyOutcome {
  study: string;
  /** Trials this call ran (0 when the study was already done). */
  ran: number;
  seconds: number;
}

/**
 * The study's seed seeds the sampler, the training runs and the train/validation/test split.
 * Once `stopping()` is true (the experiment was interrupted), the study starts no new trial and
 * returns after the running one, so an interrupted experiment resumes exactly where it stopped.
 */
export async function runReproduceStudy(job: StudyJob, stopping: () => boolean = () => false): Promise<StudyOutcome> {
  const startedAt = Date.now();
  // Not fsync'ed per line: a killed run still keeps every line written (resume works); only a power
  // loss could cut the tail. Per-line fsync would cost as much as a wine trial.
  const storage = new JournalFileStorage(job.journal, { durable: false });
  const isNew = storage.findStudy(job.study) === undefined;
  const study = createStudy({
    name: job.study,
    direction: "minimize",
    space: REPRODUCE_TASKS[job.task].space(),
    sampler: samplerFromLabel(job.method, job.seed),
    storage,
    seed: job.seed,
    loadIfExists: true,
  });
  const finished = () => study.trials.filter((trial) => isFinished(trial.state)).length;
  const before = finished();
  let after = before;
  try {
    if (isNew) {
      study.setUserAttr("task", job.task);
      study.setUserAttr("method", job.method);
      study.setUserAttr("seed", job.seed);
    }
    if (before < job.budget && !stopping()) {
      const epochs = job.epochs !== undefined ? { epochs: job.epochs } : {};
      const trainSize = job.trainSize !== undefined ? { trainSize: job.trainSize } : {};
      await study.optimize(
        { kind: "task", task: job.task, splitSeed: job.seed, seed: job.seed, ...epochs, ...trainSize },
        { totalTrials: job.budget, concurrency: 1, callbacks: [(running) => (stopping() ? running.stop() : undefined)] },
      );
    }
    after = finished();
  } finally {
    // Releases the RL samplers' controller lease, so the same command resumes at once after Ctrl-C.
    study.close();
    storage.close();
  }
  return { study: job.study, ran: after - before, seconds: (Date.now() - startedAt) / 1000 };
}
