import assert from "node:assert/strict";
import { topEigenvalue } from "./_linalg.ts";

Deno.test("topEigenvalue() finds the largest eigenvalue of a symmetric PSD matrix", () => {
  // eigenvalues 3 and 1 of [[2, 1], [1, 2]]
  assert.ok(Math.abs(topEigenvalue([2, 1, 1, 2], 2) - 3) < 1e-12);
  // diag(0.5, 4, 2)
  assert.ok(Math.abs(topEigenvalue([0.5, 0, 0, 0, 4, 0, 0, 0, 2], 3) - 4) < 1e-12);
  assert.equal(topEigenvalue([0, 0, 0, 0], 2), 0);
  // close eigenvalues converge slowly (the error falls as (0.95/1)^(2k)): the default iterations
  // still give 1e-9, here and with the eigenvectors rotated by 45°
  assert.ok(Math.abs(topEigenvalue([1, 0, 0, 0.95], 2) - 1) < 1e-9);
  assert.ok(Math.abs(topEigenvalue([0.975, 0.025, 0.025, 0.975], 2) - 1) < 1e-9);
});
