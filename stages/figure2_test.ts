// The Figure 2 collector on hand-written run.json files: seed means over the runs that did not
// diverge, and a diverged run's accuracy kept apart (a cross, not a point of the mean).
import assert from "node:assert/strict";
import { figure2Stage } from "./figure2.ts";
import { runCollector } from "./testdata/collector.ts";

function runFile(seed: number, zeta: number, diverged = false) {
  return {
    summary: {
      sigma: 1,
      seed,
      epochs: 1,
      baseLr: 0.01,
      batch: 128,
      perClass: 10,
      probe: 10,
      logEvery: 1,
      ep: "cpu",
      lr: 0.002,
      lambda0: 500,
      diverged,
      divergedAt: diverged ? 3 : null,
      bestTrainAcc: 0.9 + seed / 100,
      bestTestAcc: 0.8 + seed / 100,
      trainCount: 100,
    },
    log: [0, 1].map((step) => ({ step, zeta: step * zeta, zeta_signed: step * zeta })),
  };
}

Deno.test("figure2 averages the measures over the seeds that did not diverge", async () => {
  const root = await Deno.makeTempDir();
  try {
    const files = [runFile(0, 0.1), runFile(1, 0.3), runFile(2, 50, true)];
    const { csv } = await runCollector(figure2Stage([]), files, root);
    const zeta = csv("figure2_measures").filter((r) => r.measure === "ζ (NTK change)");
    assert.deepEqual(zeta.map((r) => [r.step, Number(r.value), r.seeds]), [
      ["0", 0, "2"],
      ["1", 0.2, "2"],
    ]);
    // the diverged run's accuracies stay in the rows, marked (csv-stringify writes true as 1), for
    // the crosses
    const acc = csv("figure2_accuracy");
    assert.equal(acc.length, 6);
    assert.deepEqual(acc.filter((r) => r.diverged === "1").map((r) => r.seed), ["2", "2"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
