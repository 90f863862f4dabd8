/** Loss and metric builders composed of differentiable primitives. */
import { castCode, type GraphBuilder, type Tensor } from "./builder.ts";

function allAxes(b: GraphBuilder, name: string, t: Tensor): Tensor {
  return b.int64s(name, t.shape.map((_, i) => i));
}

/**
 * Half mean-squared error, averaged over the batch and summed over outputs:
 * L = 1/(2B) · Σ_b ‖pred_b − target_b‖². Emits the scalar `loss`.
 */
export function mseLoss(b: GraphBuilder, pred: Tensor, target: Tensor, name = "loss"): Tensor {
  const batch = pred.shape[0];
  const diff = b.emit("Sub", [pred, target], {}, { name: `${name}/diff` });
  const sq = b.emit("Mul", [diff, diff], {}, { name: `${name}/sq` });
  const total = b.emit("ReduceSum", [sq, allAxes(b, `${name}/axes`, sq)], { keepdims: 0 }, {
    name: `${name}/sum`,
  });
  const scale = b.scalar(`${name}/scale`, pred.dtype, 1 / (2 * batch));
  return b.emit("Mul", [total, scale], {}, { name });
}

/** One-hot rows of dtype `like.dtype` from int64 class indices of shape [B]. */
export function oneHot(b: GraphBuilder, labels: Tensor, classes: number, like: Tensor): Tensor {
  const batch = labels.shape[0];
  const column = b.emit("Reshape", [labels, b.int64s("onehot/col_shape", [batch, 1])], {}, {
    name: "onehot/col",
  });
  const range = b.constant(
    "onehot/classes",
    "int64",
    [1, classes],
    BigInt64Array.from({ length: classes }, (_, i) => BigInt(i)),
  );
  const hit = b.emit("Equal", [column, range], {}, { name: "onehot/hit" });
  return b.emit("Cast", [hit], { to: castCode(like.dtype) }, { name: "onehot" });
}

/**
 * Softmax cross-entropy from logits [B,K], numerically stable through LogSoftmax:
 * L = −1/B · Σ_b Σ_k y_bk log softmax(z_b)_k. `labels` is int64 [B] or one-hot/soft [B,K].
 */
export function softmaxCrossEntropy(
  b: GraphBuilder,
  logits: Tensor,
  labels: Tensor,
  name = "loss",
): Tensor {
  const [batch, classes] = logits.shape;
  const target = labels.dtype === "int64" ? oneHot(b, labels, classes, logits) : labels;
  const logp = b.emit("LogSoftmax", [logits], { axis: 1 }, { name: `${name}/log_softmax` });
  const picked = b.emit("Mul", [target, logp], {}, { name: `${name}/picked` });
  const total = b.emit("ReduceSum", [picked, allAxes(b, `${name}/axes`, picked)], {
    keepdims: 0,
  }, { name: `${name}/sum` });
  return b.emit("Mul", [total, b.scalar(`${name}/scale`, logits.dtype, -1 / batch)], {}, { name });
}

/** Fraction of rows whose arg-max matches the label (int64 [B] or one-hot [B,K]): `accuracy`. */
export function batchAccuracy(
  b: GraphBuilder,
  scores: Tensor,
  labels: Tensor,
  name = "accuracy",
): Tensor {
  const pred = b.emit("ArgMax", [scores], { axis: 1, keepdims: 0 }, { name: `${name}/pred` });
  const truth = labels.dtype === "int64"
    ? labels
    : b.emit("ArgMax", [labels], { axis: 1, keepdims: 0 }, { name: `${name}/truth` });
  const hit = b.emit("Equal", [pred, truth], {}, { name: `${name}/hit` });
  const hitF = b.emit("Cast", [hit], { to: castCode(scores.dtype) }, { name: `${name}/hit_f` });
  return b.emit("ReduceMean", [hitF], { axes: [0], keepdims: 0 }, { name });
}
