import assert from "node:assert/strict";
import { didYouMean } from "./suggest.ts";

const IDS = [
  "figure1",
  "figure2",
  "figure3",
  "fig2-sigma1-seed0",
  "fig2-sigma1-seed1",
  "fig2-sigma1-seed2",
  "fig2-sigma2-seed0",
  "fig2-sigma4-seed0",
  "fig2-sigma8-seed0",
  "report",
  "theory",
  "data",
];

Deno.test("didYouMean() names the nearest known name within one edit in four, else nothing", () => {
  assert.equal(didYouMean("figur3", IDS), ' (did you mean "figure3"?)');
  assert.equal(didYouMean("dat", IDS), ' (did you mean "data"?)');
  // a swap of two adjacent characters is one edit
  assert.equal(didYouMean("reprot", IDS), ' (did you mean "report"?)');
  assert.equal(didYouMean("thoery", IDS), ' (did you mean "theory"?)');
  // what the names are can be said before them
  assert.equal(
    didYouMean("verfy", ["run", "verify"], "the command "),
    ' (did you mean the command "verify"?)',
  );
  // two edits in six characters, four in 19: too far
  assert.equal(didYouMean("rpeotr", IDS), "");
  assert.equal(didYouMean("cifar-sigma4-lr0.3", IDS), "");
  assert.equal(didYouMean("frobnicate", IDS), "");
  // patterns, known names and empty lists get nothing
  assert.equal(didYouMean("figur*", IDS), "");
  assert.equal(didYouMean("report", IDS), "");
  assert.equal(didYouMean("figur3", []), "");
  assert.equal(didYouMean("", IDS), "");
});

Deno.test("didYouMean() offers every name equally near, in the given order, three at most", () => {
  assert.equal(didYouMean("figure9", IDS), ' (did you mean "figure1", "figure2" or "figure3"?)');
  assert.equal(didYouMean("figure9", IDS.slice(1)), ' (did you mean "figure2" or "figure3"?)');
  assert.equal(
    didYouMean("fig2-sigma1-seed9", IDS),
    ' (did you mean "fig2-sigma1-seed0", "fig2-sigma1-seed1" or "fig2-sigma1-seed2"?)',
  );
  assert.equal(
    didYouMean("fig2-sigma3-seed0", IDS),
    ' (did you mean "fig2-sigma1-seed0", "fig2-sigma2-seed0", "fig2-sigma4-seed0" or 1 more?)',
  );
  // a nearer name wins over several farther ones
  assert.equal(didYouMean("fig2-sigma8-seed00", IDS), ' (did you mean "fig2-sigma8-seed0"?)');
});
