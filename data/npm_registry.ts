/** Where npm package tarballs come from: the registry base URL, resolved like npm does. */
import { join } from "node:path";
import { readEnv } from "./_env.ts";

/** The public npm registry, used when nothing else is configured. */
export const DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org/";

/** Reads the `registry=` setting of an `.npmrc` text, expanding `${VAR}` from `env`. */
export function parseNpmrcRegistry(
  text: string,
  env: (name: string) => string | undefined = () => undefined,
): string | undefined {
  let found: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const match = /^registry\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const value = match[1].trim().replace(/^"(.*)"$/, "$1");
    found = value.replace(/\$\{([^}]+)\}/g, (_, name) => env(name) ?? "");
  }
  return found;
}

/** Where the registry setting is looked up; defaults are this process's env and files. */
export interface RegistryLookup {
  env?: (name: string) => string | undefined;
  projectDir?: string;
  homeDir?: string;
}

function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Registry base URL (always ending in "/"): NPM_CONFIG_REGISTRY (or npm_config_registry), then
 * the project `.npmrc`, then the user's (NPM_CONFIG_USERCONFIG or ~/.npmrc), then the public
 * registry.
 */
export function npmRegistry(lookup: RegistryLookup = {}): string {
  const env = lookup.env ?? readEnv;
  const projectDir = lookup.projectDir ?? Deno.cwd();
  const homeDir = lookup.homeDir ?? env("HOME") ?? env("USERPROFILE");
  const userConfig = env("NPM_CONFIG_USERCONFIG") ?? env("npm_config_userconfig") ??
    (homeDir ? join(homeDir, ".npmrc") : undefined);
  const candidates = [
    () => env("NPM_CONFIG_REGISTRY") ?? env("npm_config_registry"),
    () => parseNpmrcRegistry(readText(join(projectDir, ".npmrc")) ?? "", env),
    () => userConfig ? parseNpmrcRegistry(readText(userConfig) ?? "", env) : undefined,
  ];
  for (const candidate of candidates) {
    const value = candidate();
    if (value) return value.endsWith("/") ? value : value + "/";
  }
  return DEFAULT_NPM_REGISTRY;
}

/** URL of an unscoped package's tarball under a registry base. */
export function npmTarballUrl(registry: string, name: string, version: string): string {
  const base = registry.endsWith("/") ? registry : registry + "/";
  return `${base}${name}/-/${name}-${version}.tgz`;
}
