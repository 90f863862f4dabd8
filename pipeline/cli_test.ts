import assert from "node:assert/strict";
import { parseCli } from "./cli.ts";

Deno.test("parseCli() leaves --keep-going, --dry-run and --yes off and waiting on unless given", () => {
  const o = parseCli(["run"]);
  assert.deepEqual([o.keepGoing, o.dryRun, o.yes, o.wait], [false, false, false, true]);
  assert.equal(parseCli(["run", "--keep-going"]).keepGoing, true);
  assert.equal(parseCli(["run", "--no-wait"]).wait, false);
});
