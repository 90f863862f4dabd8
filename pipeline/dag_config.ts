/**
 * `--config KEY=VALUE`: values that shape the DAG itself (which stages exist), as Snakemake's
 * `--config` does, where `--set` can only change the params of stages that exist. A DAG module
 * opts in by exporting `config(scale)`, the values its `pipeline` builds from at that scale, and
 * takes the values as `pipeline`'s second argument; `checkConfig` may say which values it cannot
 * take. The keys are paths into that object (`figure3.seeds`); an override must name a key the
 * preset has and give a value of the same kind.
 *
 * These types live here rather than beside `BuildOptions` in stage.ts: stage.ts is in the code
 * fingerprint of every stage, so a change there gives every cached result a new key.
 */
import { UsageError } from "./errors.ts";
import type { Json } from "./hash.ts";
import { parseValue } from "./overrides.ts";
import type { BuildOptions, DagModule, PipelineDef } from "./stage.ts";
import { didYouMean } from "./suggest.ts";

/** A DAG module's config: a JSON object. */
export type DagConfig = { [key: string]: Json };

/** A config value a check found wrong (`key` is its path, "figure3.seeds"), and what it expected. */
export interface ConfigProblem {
  key: string;
  expected: string;
}

/** What a DAG module may export besides DagModule's members to take `--config`. */
export interface ConfigurableDag extends DagModule {
  /** The config at a scale as the module presets it. */
  config?(scale: string): DagConfig;
  /** The problems with a config after `--config` (none when it is valid). */
  checkConfig?(config: DagConfig, scale: string): ConfigProblem[];
  /** `config` is the module's preset for the scale with the overrides applied. */
  pipeline(options: BuildOptions, config?: DagConfig): PipelineDef;
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Every key path of `config`, objects' own keys included ("figure3", "figure3.seeds"). */
function configKeys(config: DagConfig, prefix = ""): string[] {
  return Object.entries(config).flatMap(([k, v]) => {
    const path = prefix + k;
    return isObject(v) ? [path, ...configKeys(v, `${path}.`)] : [path];
  });
}

/** The parts of `key=value`; the key's parts are split at dots. */
function parseOverride(text: string): { key: string; path: string[]; value: string } {
  const eq = text.indexOf("=");
  const key = eq < 0 ? "" : text.slice(0, eq);
  const path = key.split(".");
  if (eq <= 0 || path.some((p) => p === "")) {
    throw new UsageError(`Expected --config in the form key=value but found "${text}"`);
  }
  return { key, path, value: text.slice(eq + 1) };
}

/**
 * `preset` with the overrides applied, in order (a later one wins); the preset is not changed.
 * Values are JSON of the kind the preset holds there, except for strings, which take the text as
 * it is. Throws UsageError naming the override and what was expected.
 */
export function applyConfig(preset: DagConfig, overrides: readonly string[]): DagConfig {
  const config = structuredClone(preset);
  for (const text of overrides) {
    const { key, path, value } = parseOverride(text);
    let holder: { [key: string]: Json } = config;
    for (const [i, part] of path.entries()) {
      if (!Object.hasOwn(holder, part)) {
        const known = configKeys(preset);
        throw new UsageError(
          `Unknown config key "${key}" in --config "${text}"${
            didYouMean(key, known) || ` (its keys: ${known.join(", ")})`
          }`,
        );
      }
      if (i === path.length - 1) {
        const current = holder[part];
        if (isObject(current)) {
          // a whole object could drop keys that the module's pipeline reads
          const keys = configKeys(current, `${key}.`).slice(0, 4).join(", ");
          throw new UsageError(
            `Expected --config "${text}" to name a value, but "${key}" holds keys (${keys}...)`,
          );
        }
        holder[part] = parseValue(value, current, key, "--config");
        break;
      }
      const next = holder[part];
      if (!isObject(next)) {
        throw new UsageError(
          `Unknown config key "${key}" in --config "${text}" ("${
            path.slice(0, i + 1).join(".")
          }" holds no keys)`,
        );
      }
      holder = next;
    }
  }
  return config;
}

/** One UsageError listing every problem `check` finds, each naming the key and the value found. */
export function checkConfigValues(config: DagConfig, problems: ConfigProblem[]): void {
  if (problems.length === 0) return;
  const valueAt = (key: string) =>
    key.split(".").reduce<Json | undefined>((v, k) => (isObject(v) ? v[k] : undefined), config);
  const lines = problems.map(({ key, expected }) => {
    const found = shorten(JSON.stringify(valueAt(key)) ?? "nothing");
    return `Expected --config ${key} to be ${expected} but found ${found}`;
  });
  if (lines.length === 1) throw new UsageError(lines[0]);
  throw new UsageError(
    `${lines.length} config values are not valid:\n${lines.map((l) => `  ${l}`).join("\n")}`,
  );
}

/** `config` as JSON, one line for each value that is not an object (`"seeds": [0,1,2]`). */
export function formatConfig(config: DagConfig, indent = ""): string {
  const inner = indent + "  ";
  const lines = Object.entries(config).map(([k, v]) =>
    `${inner}${JSON.stringify(k)}: ${isObject(v) ? formatConfig(v, inner) : JSON.stringify(v)}`
  );
  return lines.length === 0 ? "{}" : `{\n${lines.join(",\n")}\n${indent}}`;
}

/** `text` cut to `max` characters, ending in "..." where cut (long values in messages). */
export function shorten(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** The overrides in a line: ", config figure3.seeds=[0,1,2,3]" (empty for none). */
export function describeOverrides(overrides: readonly string[]): string {
  return overrides.length === 0 ? "" : `, config ${overrides.join(" ")}`;
}
