import assert from "node:assert/strict";
import { canonicalJson, hashJson, sha256File, sha256Hex } from "./hash.ts";

Deno.test("canonicalJson() sorts keys at every depth", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: null } }),
    '{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}',
  );
  assert.equal(hashJson({ x: 1, y: 2 }), hashJson({ y: 2, x: 1 }));
});

Deno.test("canonicalJson() rejects values JSON cannot represent, naming the path", () => {
  assert.throws(
    () => canonicalJson({ a: [1, NaN] }),
    /finite number at "\$\.a\[1\]" but found NaN/,
  );
  // JSON.stringify would write Infinity as null: two different params, one key
  assert.throws(
    () => canonicalJson({ b: [-Infinity] }),
    /finite number at "\$\.b\[0\]" but found -Infinity/,
  );
  assert.throws(() => canonicalJson({ f: undefined }), /at "\$\.f" but found undefined/);
  assert.throws(() => canonicalJson({ d: new Date(0) }), /instance of Date/);
});

Deno.test("sha256Hex() and sha256File() agree with a known digest", async () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(sha256Hex("abc"), abc);
  const path = await Deno.makeTempFile();
  await Deno.writeTextFile(path, "abc");
  assert.equal(await sha256File(path), abc);
  await Deno.remove(path);
});
