import assert from "node:assert/strict";
import { parseGraphsArgs } from "./graphs_main.ts";

Deno.test("parseGraphsArgs() takes --out DIR or --help", () => {
  assert.deepEqual(parseGraphsArgs(["--out", "/tmp/g"]), { out: "/tmp/g", help: false });
  assert.deepEqual(parseGraphsArgs(["--out=/tmp/g"]), { out: "/tmp/g", help: false });
  assert.deepEqual(parseGraphsArgs(["-h"]), { help: true });
});

Deno.test("parseGraphsArgs() rejects a missing --out, unknown flags and positionals", () => {
  assert.throws(() => parseGraphsArgs([]), /Expected "--out DIR"/);
  assert.throws(() => parseGraphsArgs(["--out"]), RangeError);
  assert.throws(() => parseGraphsArgs(["--outdir", "x"]), /Unknown option '--outdir'/);
  assert.throws(() => parseGraphsArgs(["/tmp/g"]), RangeError);
});
