// The grace-period rule on Redis and PostgreSQL: a study opened on the storage fails a RUNNING trial
// whose heartbeat is older than the grace period (left by a process that stopped) with the stale
// reason, and leaves alone one whose heartbeat is recent (a live process on another machine).

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createStudy } from "../../src/index.ts";
import { PostgresStorage } from "../../src/storage/postgres/storage.ts";
import { RedisJournalStorage } from "../../src/storage/redis-journal.ts";
import type { Storage } from "../../src/storage/storage.ts";
import { STALE_RUNNING_REASON } from "../../src/study/attrs.ts";
import { cleanUp, createTestDatabase, freshPostgresUrl, freshRedisUrl } from "./servers.ts";

await createTestDatabase(1);
after(cleanUp);

const cases: [string, () => [string, Storage]][] = [
  ["redis", () => ((url) => [url, new RedisJournalStorage(url)])(freshRedisUrl())],
  ["postgres", () => ((url) => [url, new PostgresStorage(url)])(freshPostgresUrl())],
];

for (const [kind, open] of cases) {
  test(`${kind}: a stale RUNNING trial is failed when a study is opened on it; a live one is left alone`, async () => {
    const [url, other] = open();
    const id = other.createStudy("beats", "minimize");
    const stale = other.createTrial(id);
    other.setTrialSystemAttr(id, stale, "heartbeat", Date.now() - 10_000);
    const live = other.createTrial(id);
    other.setTrialSystemAttr(id, live, "heartbeat", Date.now() + 60_000);
    // Its start is a moment ago: wait past the grace period, so that only its start and heartbeat vouch for it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const study = createStudy({ name: "beats", storage: url, loadIfExists: true, heartbeat: { intervalMs: 500, gracePeriodMs: 1000 } });
    try {
      const trials = other.getAllTrials(id);
      assert.equal(trials[stale].state, "FAIL");
      assert.equal(trials[stale].failReason, STALE_RUNNING_REASON);
      assert.equal(trials[live].state, "RUNNING");
    } finally {
      study.close();
      other.close?.();
    }
  });
}
