import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { randomSampler } from "../../src/samplers/random.ts";
import { reinforceSampler } from "../../src/samplers/reinforce.ts";
import type { SearchSpace } from "../../src/space/types.ts";
import { JournalFileStorage } from "../../src/storage/journal.ts";
import { LEASE_ATTR, LeaseConflictError } from "../../src/storage/lease.ts";
import { createStudy } from "../../src/study/study.ts";

const SPACE: SearchSpace = { x: { type: "int", low: 0, high: 9 }, y: { type: "int", low: 0, high: 9 } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withJournal(run: (path: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "hyperforce-lease-"));
    try {
      await run(join(dir, "study.jsonl"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const open = (path: string, gracePeriodMs = 60_000) =>
  createStudy({
    name: "rl",
    storage: path,
    space: SPACE,
    seed: 1,
    sampler: reinforceSampler({ seed: 1 }),
    loadIfExists: true,
    heartbeat: { intervalMs: Math.min(1000, gracePeriodMs / 4), gracePeriodMs },
  });

test(
  "a reinforce study has one controller: a second is refused while the lease is live, and may take it once released",
  withJournal((path) => {
    const first = open(path);
    first.tell(first.ask(), 1);
    assert.throws(
      () => open(path),
      (error: Error) => {
        assert.equal(error.name, "UsageError");
        assert.match(
          error.message,
          new RegExp(`^study "rl" is controlled by another process: host ${hostname()}, pid ${process.pid}, since `),
        );
        assert.match(error.message, /last heartbeat \d+\.\d s ago/);
        assert.match(error.message, /Its sampler \(reinforce\) keeps a state that one controller at a time may update/);
        assert.match(
          error.message,
          /run this again after \d{4}-\d\d-\d\dT[\d:.]+Z \(its lease is stale once it has had no heartbeat for 60 s\)/,
        );
        return true;
      },
    );
    // Stateless samplers share the study (no lease): a random-sampler process opens it while the lease is held.
    const shared = createStudy({ name: "rl", storage: path, sampler: randomSampler({ seed: 2 }), loadIfExists: true });
    shared.tell(shared.ask(), 2);
    shared.close();
    first.close(); // releases the lease
    const second = open(path);
    second.tell(second.ask(), 3);
    assert.equal(second.trials.length, 3);
    second.close();
  }),
);

test(
  "a stale lease is taken over; the old holder learns it lost the lease and stops saving the sampler's state",
  withJournal(async (path) => {
    const first = open(path, 200);
    first.tell(first.ask(), 1);
    // first's timer renews the lease every 50 ms while its event loop runs; block it past the grace period.
    const blockedUntil = Date.now() + 300;
    while (Date.now() < blockedUntil);
    const second = open(path, 200);
    const journal = new JournalFileStorage(path);
    const lease = journal.findStudy("rl")!.systemAttrs[LEASE_ATTR] as { holder: string };
    assert.match(lease.holder, new RegExp(`^${hostname()}:${process.pid}:`));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    await sleep(150); // first's next heartbeat finds the lease taken
    process.off("warning", onWarning);
    assert.ok(
      warnings.some((message) => /another controller took over its lease/.test(message)),
      warnings.join("\n"),
    );
    second.tell(second.ask(), 2);
    second.close();
    first.close();
  }),
);

test(
  "the lease is a compare-and-swap in the journal: a write naming a holder that is no longer current is refused",
  withJournal((path) => {
    const journal = new JournalFileStorage(path);
    const id = journal.createStudy("s", "minimize");
    const lease = (holder: string | null, previous: string | null) => ({
      holder,
      previous,
      host: "h",
      pid: 1,
      since: 0,
      heartbeat: Date.now(),
    });
    journal.setStudySystemAttr(id, LEASE_ATTR, lease("a", null));
    assert.throws(() => journal.setStudySystemAttr(id, LEASE_ATTR, lease("b", null)), LeaseConflictError);
    journal.setStudySystemAttr(id, LEASE_ATTR, lease("b", "a"));
    assert.throws(() => journal.setStudySystemAttr(id, LEASE_ATTR, lease("a", "a")), LeaseConflictError);
    journal.setStudySystemAttr(id, LEASE_ATTR, lease(null, "b"));
    journal.setStudySystemAttr(id, LEASE_ATTR, lease("c", null));
  }),
);
