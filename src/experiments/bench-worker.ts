/** Worker-thread entry of the sampler benchmark: runs one study per message and posts its trace. */
import { parentPort } from "node:worker_threads";
import { runBenchStudy, type BenchJobMessage, type BenchReply } from "./sampler-bench.ts";

if (parentPort === null) throw new Error("src/experiments/bench-worker is a worker-thread entry; runSamplerBench starts it");
const port = parentPort;
port.on("message", async (job: BenchJobMessage) => {
  let reply: BenchReply;
  try {
    reply = { type: "trace", trace: await runBenchStudy(job.table, job.sampler, job.seed, job.budget) };
  } catch (error) {
    reply = { type: "error", message: `${job.sampler} seed ${job.seed}: ${error instanceof Error ? error.message : String(error)}` };
  }
  port.postMessage(reply);
});
