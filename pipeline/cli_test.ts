import assert from "node:assert/strict";
import { parseCli } from "./cli.ts";
import { UsageError } from "./errors.ts";

Deno.test("parseCli() leaves --keep-going, --dry-run and --yes off and waiting on unless given", () => {
  const o = parseCli(["run"]);
  assert.deepEqual([o.keepGoing, o.dryRun, o.yes, o.wait], [false, false, false, true]);
  assert.equal(parseCli(["run", "--keep-going"]).keepGoing, true);
  assert.equal(parseCli(["run", "--no-wait"]).wait, false);
});

Deno.test("parseCli() says that an option lacks its value when another option follows it", () => {
  assert.throws(
    () => parseCli(["run", "--scale", "--dry-run"]),
    (e) =>
      e instanceof UsageError &&
      e.message === "Expected a value after --scale but found another option (write " +
          '--scale=VALUE for a value that starts with "-")',
  );
  assert.throws(() => parseCli(["--jobs", "-3"]), /Expected a value after --jobs/);
  // with "=" the value is taken and checked as usual
  assert.throws(
    () => parseCli(["--jobs=-3"]),
    /Expected --jobs to be a positive integer but found "-3"/,
  );
});
