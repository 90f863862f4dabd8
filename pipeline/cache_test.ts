import assert from "node:assert/strict";
import { join } from "node:path";
import { type IndexRecord, type KeyMaterial, Store } from "./cache.ts";

const MATERIAL: KeyMaterial = {
  format: 1,
  id: "a",
  params: {},
  code: { files: {}, externals: [] },
  inputs: {},
};

function record(key: string): IndexRecord {
  return { key, material: MATERIAL, builtAt: "2026-01-01T00:00:00.000Z" };
}

async function withStore(f: (store: Store) => Promise<void>): Promise<void> {
  const out = await Deno.makeTempDir({ prefix: "cache-" });
  try {
    await f(new Store(out));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** Commit an entry of `key` holding one file, as a run does. */
async function commitOne(store: Store, key: string): Promise<string> {
  const tmp = await store.begin(key);
  await Deno.writeTextFile(join(tmp, "files", "x.txt"), "x\n");
  await store.commit(tmp, {
    key,
    material: MATERIAL,
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:01.000Z",
    tools: {},
  });
  return join(store.filesDir(key), "x.txt");
}

Deno.test("Store.writeIndex() keeps each key once, the latest build first", async () => {
  await withStore(async (store) => {
    for (const key of ["k1", "k2", "k1"]) await store.writeIndex("a", record(key));
    assert.deepEqual((await store.readIndex("a")).map((r) => r.key), ["k1", "k2"]);
  });
});

Deno.test("Store.readIndex() reads an index of one record, as written before the history was kept", async () => {
  await withStore(async (store) => {
    await Deno.mkdir(join(store.cacheDir, ".index"), { recursive: true });
    await Deno.writeTextFile(join(store.cacheDir, ".index", "a.json"), JSON.stringify(record("k")));
    assert.deepEqual(await store.readIndex("a"), [record("k")]);
  });
});

Deno.test("Store.commit() makes the entry's files read-only", async () => {
  await withStore(async (store) => {
    const file = await commitOne(store, "c".repeat(64));
    assert.equal((await Deno.stat(file)).mode! & 0o222, 0);
  });
});

Deno.test("Store.check() finds an entry whose manifest has another format corrupt", async () => {
  await withStore(async (store) => {
    const key = "c".repeat(64);
    await commitOne(store, key);
    assert.equal((await store.check(key)).state, "valid");
    const path = join(store.entryDir(key), "manifest.json");
    const manifest = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(path, JSON.stringify({ ...manifest, format: 0 }));
    assert.deepEqual(await store.check(key), {
      state: "corrupt",
      reason: "manifest.json belongs to another key or format",
    });
  });
});

Deno.test("Store.keys() lists the entry folders, not a file named like a key", async () => {
  await withStore(async (store) => {
    const key = "c".repeat(64);
    await commitOne(store, key);
    await Deno.writeTextFile(join(store.cacheDir, "d".repeat(64)), "");
    assert.deepEqual(await store.keys(), [key]);
  });
});

Deno.test("Store.quarantinedAt() gives the latest time the key was moved aside", async () => {
  await withStore(async (store) => {
    const key = "c".repeat(64);
    const corrupt = join(store.cacheDir, ".corrupt");
    await Deno.mkdir(corrupt, { recursive: true });
    assert.equal(await store.quarantinedAt(key), null);
    for (let i = 1; i <= 16; i++) await Deno.mkdir(join(corrupt, `${key}.${i * 1000}`));
    await Deno.mkdir(join(corrupt, `${"d".repeat(64)}.99000`)); // another key's
    assert.equal(await store.quarantinedAt(key), 16_000);
  });
});
