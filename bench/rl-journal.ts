/**
 * Journal size of RL studies (issue 12 item 5): a study of `--trials` trials on a lookup table,
 * written to a journal file, for random search and the default REINFORCE (mlp and rnn); prints and
 * writes the sizes, the ratio to random, and the wall time (the sampler state is saved after every trial).
 *   node --import tsx bench/rl-journal.ts [--trials 1000] [--table tables/wine.csv.gz] [--out bench/results/rl-journal.json]
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableObjective } from "../src/objectives/table.ts";
import { randomSampler } from "../src/samplers/random.ts";
import { reinforceSampler } from "../src/samplers/reinforce.ts";
import type { Sampler } from "../src/samplers/sampler.ts";
import { JournalFileStorage } from "../src/storage/journal.ts";
import { createStudy } from "../src/study/study.ts";
import { loadTable } from "../src/tasks/table.ts";

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const trials = Number(argument("--trials", "1000"));
const tablePath = argument("--table", "tables/wine.csv.gz");
const out = argument("--out", "bench/results/rl-journal.json");
const seed = Number(argument("--seed", "4"));
const table = loadTable(tablePath);
const space = table.coveredSpace();
const dir = mkdtempSync(join(tmpdir(), "hyperforce-rl-journal-"));
const samplers: Record<string, () => Sampler> = {
  random: () => randomSampler({ seed }),
  "reinforce-mlp": () => reinforceSampler({ seed }),
  "reinforce-rnn": () => reinforceSampler({ seed, policy: "rnn" }),
};
const rows: { sampler: string; bytes: number; ratioToRandom: number; seconds: number }[] = [];
try {
  for (const [name, make] of Object.entries(samplers)) {
    const started = performance.now();
    const storage = join(dir, `${name}.jsonl`);
    // Not fsync'ed (the size is the same): the time measured is the samplers' and the writes', not the disk's.
    const journal = new JournalFileStorage(storage, { durable: false });
    const study = createStudy({ name, storage: journal, space, sampler: make(), seed });
    await study.optimize(tableObjective({ table, seed }), { totalTrials: trials });
    study.close();
    journal.close();
    const bytes = statSync(storage).size;
    const ratioToRandom = Number((bytes / (rows[0]?.bytes ?? bytes)).toFixed(3));
    rows.push({ sampler: name, bytes, ratioToRandom, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) });
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync("bench/results", { recursive: true });
writeFileSync(out, `${JSON.stringify({ command: process.argv.slice(1).join(" "), table: tablePath, trials, seed, rows }, null, 2)}\n`);
