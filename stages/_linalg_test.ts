import assert from "node:assert/strict";
import { topEigenvalue } from "./_linalg.ts";

Deno.test("topEigenvalue() finds the largest eigenvalue of a symmetric PSD matrix", () => {
  // eigenvalues 3 and 1 of [[2, 1], [1, 2]]
  assert.ok(Math.abs(topEigenvalue([2, 1, 1, 2], 2) - 3) < 1e-12);
  // diag(0.5, 4, 2)
  assert.ok(Math.abs(topEigenvalue([0.5, 0, 0, 0, 4, 0, 0, 0, 2], 3) - 4) < 1e-12);
  assert.equal(topEigenvalue([0, 0, 0, 0], 2), 0);
});
