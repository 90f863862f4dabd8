/** CIFAR-10 batches from a fetch-cifar10 output directory, normalised as SPEC 8 prescribes. */
import { readCifarBatches } from "../data/cifar.ts";
import { normalizeCifar } from "../data/normalize.ts";

/** The five training batches, in order. */
export const CIFAR_TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);

/** Read `names` from `<dir>/cifar-10-batches-bin/` and normalise per channel. */
export function loadCifar(dir: string, names: string[]) {
  const files = names.map((n) => ({
    name: n,
    bytes: Deno.readFileSync(`${dir}/cifar-10-batches-bin/${n}`),
  }));
  const set = readCifarBatches(files);
  return { x: normalizeCifar(set.x), labels: set.labels };
}
