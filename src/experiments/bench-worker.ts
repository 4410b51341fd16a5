/** Worker-thread entry of the sampler benchmark: runs one study per job and returns its trace. */
import { handleJobs } from "../execution/job-runner.ts";
import { type BenchJob, runBenchStudy } from "./sampler-bench.ts";

handleJobs((job: BenchJob) => runBenchStudy(job.table, job.sampler, job.seed, job.budget, undefined, job.space));
