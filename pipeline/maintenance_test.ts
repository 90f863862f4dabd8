import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "./cache.ts";
import { collectGarbage } from "./maintenance.ts";

Deno.test("collectGarbage() counts as freed only the files no kept path links to", async () => {
  const out = await Deno.makeTempDir({ prefix: "gc-" });
  try {
    const store = new Store(out);
    const [a, b, kept] = ["a", "b", "c"].map((c) => c.repeat(64));
    const file = (key: string, name: string) => join(store.filesDir(key), name);
    for (const key of [a, b, kept]) await Deno.mkdir(store.filesDir(key), { recursive: true });
    await Deno.writeFile(file(a, "x.bin"), new Uint8Array(1000));
    await Deno.writeFile(file(b, "y.bin"), new Uint8Array(500));
    await Deno.link(file(b, "y.bin"), file(a, "y.bin")); // both unreachable entries hold y
    await Deno.writeFile(file(kept, "z.bin"), new Uint8Array(300));
    await Deno.link(file(kept, "z.bin"), file(a, "z.bin")); // a kept entry holds z too
    await Deno.mkdir(join(out, "figures"));
    await Deno.link(file(a, "x.bin"), join(out, "figures", "x.bin")); // published
    await Deno.mkdir(store.workDir(a), { recursive: true });
    await Deno.writeFile(join(store.workDir(a), "checkpoint.bin"), new Uint8Array(70));
    await Deno.mkdir(store.workDir(kept), { recursive: true }); // resumed by the next run
    await Deno.writeFile(join(store.workDir(kept), "checkpoint.bin"), new Uint8Array(9));
    const lines: string[] = [];
    const dry = await collectGarbage(store, new Set([kept]), false, (l) => lines.push(l));
    // freed: y once and the checkpoint; listed: every size listed (a 1800, b 500, work 70)
    assert.deepEqual(dry, { entries: 2, work: 1, freed: 570, listed: 2370 });
    assert.match(lines.join("\n"), /unreachable aaaaaaaaaaaa \? \(1800 bytes\)/);
    await Deno.remove(join(out, "figures", "x.bin"));
    const del = await collectGarbage(store, new Set([kept]), true, () => {});
    assert.deepEqual(del, { entries: 2, work: 1, freed: 1570, listed: 2370 });
    assert.deepEqual(await store.keys(), [kept]);
    assert.deepEqual(await store.workKeys(), [kept]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
