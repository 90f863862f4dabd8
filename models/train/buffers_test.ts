import assert from "node:assert/strict";
import { GraphBuilder, mseLoss, type TrainStep } from "../autodiff/mod.ts";
import { constantLr } from "./schedule.ts";
import { train } from "./trainer.ts";

// A hand-built step with one parameter (y ≈ p·x) and one buffer counting the updates, standing
// in for BatchNorm running statistics: fed as an input, replaced by `<buffer>_next`.
function countingStep(): TrainStep {
  const b = new GraphBuilder("counting");
  const x = b.input("x", "float64", [2, 1]);
  const y = b.input("y", "float64", [2, 1]);
  const lr = b.input("lr", "float64", []);
  const p = b.input("p", "float64", [1, 1]);
  const count = b.input("count", "float64", [1]);
  const pred = b.emit("MatMul", [x, p], {}, { name: "pred" });
  const loss = mseLoss(b, pred, y);
  // ∂L/∂p = xᵀ(xp − y)/B
  const r = b.emit("Sub", [pred, y], {}, { name: "resid" });
  const g = b.emit("Gemm", [x, r], { transA: 1, alpha: 0.5 }, { name: "grad" });
  b.output(
    b.emit("Sub", [p, b.emit("Mul", [lr, g], {}, { name: "step" })], {}, { name: "p_next" }),
  );
  b.output(b.emit("Add", [count, b.scalar("one", "float64", 1)], {}, { name: "count_next" }));
  b.output(loss);
  const graph = b.build();
  const info = (n: string) => graph.inputs.find((v) => v.name === n)!;
  return { graph, params: [info("p")], state: [], buffers: [info("count")], lrInputs: ["lr"] };
}

Deno.test("train() carries buffers through steps and reports them with the state", async () => {
  const result = await train({
    step: countingStep(),
    params: { p: new Float64Array([0]), count: new Float64Array([0]) },
    data: {
      count: 2,
      x: new Float64Array([1, 2]),
      y: new Float64Array([3, 6]),
      batches: () => [[0, 1]],
    },
    schedule: constantLr({ lr: 0.2 }),
    epochs: 50,
    threads: 1,
  });
  assert.equal(result.diverged, false);
  if (result.diverged) return;
  assert.deepEqual(result.state.count, new Float64Array([50]));
  assert.ok(Math.abs((result.params.p as Float64Array)[0] - 3) < 1e-6);
});
