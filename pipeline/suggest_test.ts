import assert from "node:assert/strict";
import { didYouMean } from "./suggest.ts";

Deno.test("didYouMean() names the nearest known name within one edit in four, else nothing", () => {
  const ids = ["figure1", "figure3", "fig2-sigma1-seed0", "fig2-sigma0.5-seed0", "report"];
  assert.equal(didYouMean("figur3", ids), ' (did you mean "figure3"?)');
  assert.equal(didYouMean("reprot", ids), ""); // two edits in six characters
  assert.equal(didYouMean("rport", ids), ' (did you mean "report"?)');
  // 17 characters allow four edits: a seed that does not exist suggests one that does
  assert.equal(didYouMean("fig2-sigma1-seed9", ids), ' (did you mean "fig2-sigma1-seed0"?)');
  assert.equal(didYouMean("fig2-sigma8-seed9", ids), ' (did you mean "fig2-sigma1-seed0"?)');
  assert.equal(didYouMean("cifar-sigma4-lr0.3", ids), "");
  assert.equal(didYouMean("frobnicate", ids), "");
  // patterns, known names and empty lists get nothing
  assert.equal(didYouMean("figur*", ids), "");
  assert.equal(didYouMean("report", ids), "");
  assert.equal(didYouMean("figur3", []), "");
});
