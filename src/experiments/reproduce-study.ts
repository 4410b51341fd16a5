/**
 * One study of the reproduce experiment: a method (sampler label) on the paper task with one seed,
 * in the experiment's journal file, run or resumed to `budget` trials.
 */
import { samplerFromLabel } from "../samplers/index.ts";
import { paperCategoricalSpace } from "../space/presets.ts";
import { JournalFileStorage } from "../storage/journal.ts";
import { createStudy } from "../study/study.ts";
import type { PaperTaskName } from "../tasks/paper-task.ts";
import { isFinished } from "../trial/types.ts";

export interface StudyJob {
  journal: string;
  study: string;
  task: PaperTaskName;
  method: string;
  seed: number;
  budget: number;
  epochs?: number;
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
    space: paperCategoricalSpace(),
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
      await study.optimize(
        { kind: "task", task: job.task, splitSeed: job.seed, seed: job.seed, ...epochs },
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
