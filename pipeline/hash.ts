/** Hashing helpers: canonical JSON and SHA-256 of strings, bytes and files. */
import { createHash } from "node:crypto";

/** A JSON value as the cache key material allows it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Serialise a value as canonical JSON: object keys sorted, no whitespace, so that equal values
 * always give equal bytes. Throws a TypeError on values JSON cannot represent exactly
 * (undefined, functions, NaN, Infinity), naming the path to the bad value.
 */
export function canonicalJson(value: unknown, path = "$"): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new TypeError(`Expected a finite number at "${path}" but found ${value}`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(",")}]`;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${
      keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], `${path}.${k}`)}`).join(",")
    }}`;
  }
  throw new TypeError(`Expected a JSON value at "${path}" but found ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return `an instance of ${value?.constructor?.name ?? "Object"}`;
  return typeof value;
}

/** SHA-256 of a string (UTF-8) or bytes, as 64 lowercase hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of a value's canonical JSON. */
export function hashJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** SHA-256 of a file's bytes, streamed in chunks so large data sets do not fill memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable.values({ preventCancel: true })) hash.update(chunk);
  return hash.digest("hex");
}
