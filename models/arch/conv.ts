/** Convolution and linear layers with PyTorch parameter names and layouts. */
import type { GraphBuilder, Tensor } from "../autodiff/builder.ts";

/** Options of `conv2d` (square kernel, symmetric padding, group 1, dilation 1). */
export interface Conv2dSpec {
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly padding?: number;
  /** Adds `<name>.bias` (nn.Conv2d's default is true; ResNet convs have none). */
  readonly bias: boolean;
}

/** nn.Conv2d `name` on x [N,C,H,W]: `<name>.weight` [M,C,k,k], optional `<name>.bias` [M]. */
export function conv2d(b: GraphBuilder, x: Tensor, name: string, spec: Conv2dSpec): Tensor {
  const k = spec.kernel;
  const s = spec.stride ?? 1;
  const p = spec.padding ?? 0;
  const w = b.param(`${name}.weight`, x.dtype, [spec.outChannels, x.shape[1], k, k]);
  const inputs = spec.bias ? [x, w, b.param(`${name}.bias`, x.dtype, [spec.outChannels])] : [x, w];
  return b.emit("Conv", inputs, {
    kernel_shape: [k, k],
    strides: [s, s],
    pads: [p, p, p, p],
  }, { name });
}

/** nn.Linear `name` on x [N,D]: y = x·Wᵀ + b with `<name>.weight` [K,D], `<name>.bias` [K]. */
export function linear(b: GraphBuilder, x: Tensor, name: string, outFeatures: number): Tensor {
  const w = b.param(`${name}.weight`, x.dtype, [outFeatures, x.shape[1]]);
  const bias = b.param(`${name}.bias`, x.dtype, [outFeatures]);
  return b.emit("Gemm", [x, w, bias], { transB: 1 }, { name });
}
