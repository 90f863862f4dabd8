import assert from "node:assert/strict";
import { join } from "node:path";
import { packTar } from "modern-tar";
import { readTar, streamBytes } from "./_archive.ts";
import { FormatError } from "./format_error.ts";

Deno.test("readTar() hands over each wanted file and names the wanted entries it lacks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a.tar");
    await Deno.writeFile(
      path,
      await packTar([
        { header: { name: "./x.bin", size: 3 }, body: "abc" },
        { header: { name: "skip.txt", size: 2 }, body: "hi" },
        { header: { name: "y.bin", type: "directory", size: 0 } },
      ]),
    );
    const got: Record<string, string> = {};
    const take = async (name: string, body: ReadableStream<Uint8Array>) => {
      got[name] = new TextDecoder().decode(await streamBytes(body));
    };
    await readTar(path, { gzip: false, wanted: ["x.bin"], take });
    assert.deepEqual(got, { "x.bin": "abc" });
    // a directory of the wanted name is not the file
    await assert.rejects(
      readTar(path, { gzip: false, wanted: ["x.bin", "y.bin", "z.bin"], take }),
      /Expected entries y\.bin, z\.bin in ".*a\.tar" but found none of them/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTar() names a single missing entry, reads gzip, and passes on a failing take", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tar = await packTar([{ header: { name: "x.bin", size: 3 }, body: "abc" }]);
    const path = join(dir, "a.tar.gz");
    await Deno.writeFile(
      path,
      new Uint8Array(
        await new Response(
          new Blob([tar]).stream().pipeThrough(new CompressionStream("gzip")),
        ).arrayBuffer(),
      ),
    );
    let got = "";
    const take = async (_: string, body: ReadableStream<Uint8Array>) => {
      got = new TextDecoder().decode(await streamBytes(body));
    };
    await readTar(path, { gzip: true, wanted: ["x.bin"], take });
    assert.equal(got, "abc");
    await assert.rejects(
      readTar(path, { gzip: true, wanted: ["x.bin", "y.bin"], take }),
      /Expected entries y\.bin in ".*a\.tar\.gz" but found none of them/,
    );
    // an error of `take` (e.g. a full disk) fails the read, as a FormatError naming the archive
    const failing = async (_: string, body: ReadableStream<Uint8Array>) => {
      await streamBytes(body);
      throw new Error("disk full");
    };
    await assert.rejects(
      readTar(path, { gzip: true, wanted: ["x.bin"], take: failing }),
      (e) =>
        e instanceof FormatError && /a\.tar\.gz/.test(e.message) &&
        (e.cause as Error).message === "disk full",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
