import assert from "node:assert/strict";
import { cpuFeatures, toolVersions } from "./provenance.ts";

const X86 = `processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: AMD EPYC 9654
flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512_vnni
processor\t: 1
model name\t: AMD EPYC 9654
flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512_vnni
`;
const ARM = `processor\t: 0
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes sve
`;

Deno.test("cpuFeatures() reads the model, its family/model and the vector extensions MLAS dispatches on", () => {
  assert.deepEqual(cpuFeatures(X86), {
    cpu: "AMD EPYC 9654",
    "cpu-family-model": "25/17",
    "cpu-simd": "avx avx2 fma avx512f avx512bw avx512_vnni",
  });
  assert.deepEqual(cpuFeatures(X86.replace(/ avx512\w*/g, "")), {
    cpu: "AMD EPYC 9654",
    "cpu-family-model": "25/17",
    "cpu-simd": "avx avx2 fma",
  });
  assert.deepEqual(cpuFeatures(ARM), { "cpu-simd": "asimd sve" });
  assert.deepEqual(cpuFeatures(""), {});
});

Deno.test("toolVersions() records the pinned packages and the CPU", () => {
  const root = new URL("..", import.meta.url).pathname;
  const tools = toolVersions(root, X86);
  const pinned = JSON.parse(Deno.readTextFileSync(`${root}deno.json`)).imports["onnxruntime-node"];
  assert.equal(pinned, `npm:onnxruntime-node@${tools["onnxruntime-node"]}`);
  assert.equal(tools.deno, Deno.version.deno);
  assert.equal(tools["cpu-simd"], "avx avx2 fma avx512f avx512bw avx512_vnni");
  assert.equal(toolVersions(root, "")["cpu"], undefined);
});
