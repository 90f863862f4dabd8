import assert from "node:assert/strict";
import { num, sampleStd } from "./_format.ts";

Deno.test("num() prints 3 significant digits, fixed from 1e-3 up to below 1e4", () => {
  assert.equal(num(0.001), "0.001");
  assert.equal(num(0.00099949), "9.99e-4");
  assert.equal(num(1234.5), "1230");
  assert.equal(num(10000), "1.00e+4");
  assert.equal(num(-0.0421), "-0.0421");
  assert.equal(num(0), "0");
  assert.equal(num(Infinity), "Infinity");
  assert.equal(num(1.23456e-7, 2), "1.2e-7");
});

Deno.test("sampleStd() divides by n - 1 and is 0 for one number", () => {
  assert.equal(sampleStd([0.5]), 0);
  assert.equal(sampleStd([]), 0);
  assert.equal(sampleStd([1, 3]), Math.SQRT2);
});
