import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { parseBenchArgs } from "./pipeline_bench.ts";

const SCALES = ["smoke", "default", "paper"];

Deno.test("bench:pipeline takes --scale in either form and defaults to smoke", () => {
  assert.equal(parseBenchArgs([], SCALES), "smoke");
  assert.equal(parseBenchArgs(["--scale", "default"], SCALES), "default");
  assert.equal(parseBenchArgs(["--scale=paper"], SCALES), "paper");
});

Deno.test("bench:pipeline rejects an unknown flag or scale before it builds anything", () => {
  assert.throws(() => parseBenchArgs(["--bogus"], SCALES), UsageError);
  assert.throws(
    () => parseBenchArgs(["--scale", "huge"], SCALES),
    (e: Error) =>
      e instanceof UsageError &&
      e.message === 'Expected --scale to be one of smoke, default, paper but found "huge"',
  );
  assert.throws(() => parseBenchArgs(["smoke"], SCALES), UsageError);
});
