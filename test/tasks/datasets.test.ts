import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  DATASETS,
  DatasetError,
  datasetCacheDir,
  datasetUrl,
  ensureDatasetFile,
  getDatasetSpec,
  loadDataset,
  loadDatasetSync,
} from "../../src/tasks/datasets.ts";
import { contentSha256, normalizeLineEndings } from "../../src/tasks/download.ts";

const DATA_DIR = process.env.HYPERFORCE_DATA_DIR;

function dataDir(): string {
  assert.ok(DATA_DIR, "set HYPERFORCE_DATA_DIR to the folder holding winequality-red.csv and letter-recognition.data");
  return DATA_DIR;
}

/** Runs `body` with some environment variables set (undefined = unset), restoring them afterwards. */
async function withEnv(vars: Record<string, string | undefined>, body: () => Promise<void> | void): Promise<void> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(vars)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

// Runs before any test loads letter: loaded datasets are cached per process.
test("the synchronous loader never downloads and says where it looked", async () => {
  const home = mkdtempSync(join(tmpdir(), "hyperforce-home-"));
  const empty = mkdtempSync(join(tmpdir(), "hyperforce-data-"));
  try {
    await withEnv({ HOME: home, XDG_CACHE_HOME: undefined, HYPERFORCE_DATA_DIR: empty }, () => {
      assert.throws(
        () => loadDatasetSync("letter"),
        new DatasetError(
          `letter-recognition.data was not found at ${join(empty, "letter-recognition.data")} (HYPERFORCE_DATA_DIR) ` +
            `or ${join(home, ".cache/hyperforce/datasets/letter-recognition.data")} (the cache); ` +
            'the synchronous loader does not download, so call loadDataset("letter") once or set HYPERFORCE_DATA_DIR',
        ),
      );
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
});

test("wine: 1599 rows, 11 inputs (quality included), target residual sugar", async () => {
  dataDir();
  const wine = await loadDataset("wine");
  assert.equal(wine.kind, "regression");
  assert.equal(wine.nRows, 1599);
  assert.equal(wine.nInputs, 11);
  assert.equal(wine.nOutputs, 1);
  assert.equal(wine.inputs.length, 1599 * 11);
  assert.equal(wine.targets.length, 1599);
  assert.ok(!wine.featureNames.includes("residual sugar"));
  assert.equal(wine.featureNames[3], "chlorides");
  assert.equal(wine.featureNames[10], "quality");
  // First data line: 7.4;0.7;0;1.9;0.076;11;34;0.9978;3.51;0.56;9.4;5
  assert.equal(wine.targets[0], Math.fround(1.9));
  assert.deepEqual([...wine.inputs.subarray(0, 11)], [7.4, 0.7, 0, 0.076, 11, 34, 0.9978, 3.51, 0.56, 9.4, 5].map(Math.fround));
  assert.equal(wine.classNames, undefined);
});

test("letter: 20000 rows, 16 inputs, 26 classes with the README's counts", async () => {
  dataDir();
  const letter = await loadDataset("letter");
  assert.equal(letter.kind, "classification");
  assert.equal(letter.nRows, 20000);
  assert.equal(letter.nInputs, 16);
  assert.equal(letter.nOutputs, 26);
  assert.equal(letter.featureNames.length, 16);
  assert.equal(letter.featureNames[0], "x-box");
  assert.deepEqual(letter.classNames, DATASETS.letter.classNames);
  const counts = new Map<string, number>();
  for (const target of letter.targets) {
    assert.ok(Number.isInteger(target) && target >= 0 && target < 26);
    const label = letter.classNames![target];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  assert.equal(counts.get("A"), 789);
  assert.equal(counts.get("B"), 766);
  assert.equal(counts.get("U"), 813);
  assert.equal(counts.get("Z"), 734);
  assert.equal(counts.size, 26);
  // First data line: T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,8
  assert.equal(letter.targets[0], 19);
  assert.deepEqual([...letter.inputs.subarray(0, 16)], [2, 8, 3, 5, 1, 8, 13, 0, 6, 6, 10, 8, 0, 8, 0, 8]);
});

test("loaded datasets are cached per process, also for the synchronous loader", async () => {
  dataDir();
  const first = await loadDataset("wine");
  assert.equal(await loadDataset("wine"), first);
  assert.equal(loadDatasetSync("wine"), first);
});

test("the registry matches the shared data README", () => {
  assert.equal(DATASETS.wine.sha256, "4a402cf041b025d4566d954c3b9ba8635a3a8a01e039005d97d6a710278cf05e");
  assert.equal(DATASETS.letter.sha256, "2b89f3602cf768d3c8355267d2f13f2417809e101fc2b5ceee10db19a60de6e2");
  for (const spec of Object.values(DATASETS)) {
    assert.equal(contentSha256(readFileSync(join(dataDir(), spec.fileName))), spec.sha256);
  }
});

test("download locations: the UCI archive's classic paths, or under HYPERFORCE_DATASET_URL_BASE", async () => {
  await withEnv({ HYPERFORCE_DATASET_URL_BASE: undefined }, () => {
    assert.equal(datasetUrl(DATASETS.wine), "https://archive.ics.uci.edu/ml/machine-learning-databases/wine-quality/winequality-red.csv");
    assert.equal(
      datasetUrl(DATASETS.letter),
      "https://archive.ics.uci.edu/ml/machine-learning-databases/letter-recognition/letter-recognition.data",
    );
  });
  await withEnv({ HYPERFORCE_DATASET_URL_BASE: "http://mirror.example/uci/" }, () => {
    assert.equal(datasetUrl(DATASETS.wine), "http://mirror.example/uci/wine-quality/winequality-red.csv");
  });
});

test("an unknown dataset name lists the known ones", async () => {
  assert.throws(() => getDatasetSpec("iris"), new DatasetError('unknown dataset "iris"; known datasets: wine, letter'));
  await assert.rejects(loadDataset("Wine"), new DatasetError('unknown dataset "Wine"; known datasets: wine, letter'));
  assert.throws(() => loadDatasetSync("toString"), /unknown dataset "toString"/);
});

test("line endings are normalised before hashing: CRLF and LF copies hash alike", () => {
  const lf = readFileSync(join(dataDir(), "winequality-red.csv"));
  const crlf = Buffer.from(lf.toString("latin1").replace(/\n/g, "\r\n"), "latin1");
  assert.notEqual(sha256(crlf), sha256(lf));
  assert.equal(contentSha256(crlf), DATASETS.wine.sha256);
  assert.deepEqual(Buffer.from(normalizeLineEndings(Buffer.from("a\r\nb\rc\n"))).toString(), "a\nb\nc\n");
});

test("a file in HYPERFORCE_DATA_DIR with the wrong sha256 is an error naming both hashes", async () => {
  const folder = mkdtempSync(join(tmpdir(), "hyperforce-data-"));
  try {
    const original = readFileSync(join(dataDir(), "winequality-red.csv"), "latin1");
    const changed = Buffer.from(original.replace("7.4;0.7;0;1.9", "7.4;0.7;0;9.1"), "latin1");
    const path = join(folder, "winequality-red.csv");
    writeFileSync(path, changed);
    await withEnv({ HYPERFORCE_DATA_DIR: folder }, async () => {
      await assert.rejects(
        ensureDatasetFile("wine"),
        new DatasetError(
          `${path} has sha256 ${sha256(changed)} but the wine dataset must have ${DATASETS.wine.sha256} ` +
            "(line endings normalised to LF); replace or delete the file",
        ),
      );
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("lookup order: HYPERFORCE_DATA_DIR first, then the cache (each copy sha-checked)", async () => {
  const folder = mkdtempSync(join(tmpdir(), "hyperforce-data-"));
  const cacheHome = mkdtempSync(join(tmpdir(), "hyperforce-xdg-"));
  try {
    const good = readFileSync(join(dataDir(), "letter-recognition.data"));
    const cached = join(cacheHome, "hyperforce", "datasets", "letter-recognition.data");
    mkdirSync(join(cacheHome, "hyperforce", "datasets"), { recursive: true });
    writeFileSync(cached, good);
    await withEnv({ HYPERFORCE_DATA_DIR: folder, XDG_CACHE_HOME: cacheHome }, async () => {
      // Not in the data folder: the cache's copy is used.
      assert.equal(await ensureDatasetFile("letter"), cached);
      // In the data folder: that copy wins, and a corrupt cache copy is not even read.
      writeFileSync(join(folder, "letter-recognition.data"), good);
      writeFileSync(cached, "A,1\n");
      assert.equal(await ensureDatasetFile("letter"), join(folder, "letter-recognition.data"));
      // Only the cache's copy left, and it is corrupt: an error, not a silent use.
      rmSync(join(folder, "letter-recognition.data"));
      await assert.rejects(ensureDatasetFile("letter"), (error: Error) => {
        assert.ok(error instanceof DatasetError);
        assert.ok(error.message.startsWith(`${cached} has sha256 ${sha256(Buffer.from("A,1\n"))} but the letter dataset must have`));
        return true;
      });
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
    rmSync(cacheHome, { recursive: true, force: true });
  }
});

test("the cache folder: XDG_CACHE_HOME, else ~/.cache", async () => {
  await withEnv({ XDG_CACHE_HOME: "/tmp/xdg-example", HOME: "/tmp/home-example" }, () => {
    assert.equal(datasetCacheDir(), "/tmp/xdg-example/hyperforce/datasets");
  });
  await withEnv({ XDG_CACHE_HOME: undefined, HOME: "/tmp/home-example" }, () => {
    assert.equal(datasetCacheDir(), "/tmp/home-example/.cache/hyperforce/datasets");
  });
});

test("download through a local HTTP server: a corrupted copy fails and leaves nothing, a CRLF copy is cached", async () => {
  const lf = readFileSync(join(dataDir(), "winequality-red.csv"));
  const crlf = Buffer.from(lf.toString("latin1").replace(/\n/g, "\r\n"), "latin1");
  const corrupted = Buffer.from(lf);
  corrupted[corrupted.length - 3] ^= 0x01;
  const served: Record<string, Buffer> = {
    "/good/wine-quality/winequality-red.csv": crlf,
    "/bad/wine-quality/winequality-red.csv": corrupted,
  };
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? "");
    const body = served[request.url ?? ""];
    if (!body) {
      response.writeHead(404, "Not Found").end();
      return;
    }
    response.writeHead(200, { "content-type": "text/csv", "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const home = mkdtempSync(join(tmpdir(), "hyperforce-home-"));
  const cache = join(home, ".cache", "hyperforce", "datasets");
  const cached = join(cache, "winequality-red.csv");
  const notFound = `winequality-red.csv was not found at ${cached} (the cache)`;
  try {
    await withEnv({ HOME: home, XDG_CACHE_HOME: undefined, HYPERFORCE_DATA_DIR: undefined }, async () => {
      process.env.HYPERFORCE_DATASET_URL_BASE = `${base}/bad/`;
      await assert.rejects(
        ensureDatasetFile("wine"),
        new DatasetError(
          `${notFound}, and the file downloaded from ${base}/bad/wine-quality/winequality-red.csv ` +
            `has sha256 ${sha256(corrupted)} but ${DATASETS.wine.sha256} was expected ` +
            "(line endings normalised to LF); it was not saved",
        ),
      );
      assert.ok(!existsSync(cache) || readdirSync(cache).length === 0, "no file is left behind after a bad download");

      process.env.HYPERFORCE_DATASET_URL_BASE = `${base}/missing`;
      await assert.rejects(
        ensureDatasetFile("wine"),
        new DatasetError(`${notFound}, and downloading ${base}/missing/wine-quality/winequality-red.csv failed with HTTP 404 Not Found`),
      );

      process.env.HYPERFORCE_DATASET_URL_BASE = `${base}/good`;
      assert.equal(await ensureDatasetFile("wine"), cached);
      assert.deepEqual(readdirSync(cache), ["winequality-red.csv"]);
      assert.ok(readFileSync(cached).equals(crlf), "the cache keeps the bytes as downloaded");

      // Found in the cache now: no further request, and the synchronous loader reads it.
      const before = requests.length;
      assert.equal(await ensureDatasetFile("wine"), cached);
      assert.equal(requests.length, before);
    }).finally(() => {
      delete process.env.HYPERFORCE_DATASET_URL_BASE;
    });
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
  assert.deepEqual(requests, [
    "/bad/wine-quality/winequality-red.csv",
    "/missing/wine-quality/winequality-red.csv",
    "/good/wine-quality/winequality-red.csv",
  ]);
});
