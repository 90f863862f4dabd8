import assert from "node:assert/strict";
import { byScale } from "./_scale.ts";

Deno.test("byScale() picks each scale's preset, the paper's own where it has one", () => {
  const presets = { smoke: 1, default: 2, paper: 3 };
  assert.deepEqual(["smoke", "default", "paper"].map((s) => byScale(s, presets)), [1, 2, 3]);
  assert.equal(byScale("paper", { smoke: 1, default: 2 }), 2);
});
