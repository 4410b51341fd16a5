/**
 * Worker-thread entry of `hyperforce reproduce`: runs (or resumes) whole studies, one job each, with
 * the trials inline in this thread. Studies rather than trials are spread over threads because a
 * wine trial takes milliseconds: the journal writes then cost as much as the training, and a thread
 * per study does both in parallel. A cancelled run stops each study after its running trial.
 */
import { handleJobs } from "../execution/job-runner.ts";
import { runReproduceStudy, type StudyJob } from "./reproduce-study.ts";

handleJobs((job: StudyJob, context) => runReproduceStudy(job, context.cancelled));
