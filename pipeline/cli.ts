/** Command-line parsing (node:util parseArgs; @std/cli is JSR-only and JSR is unreachable here). */
import { parseArgs } from "node:util";
import { UnknownNameError, UsageError } from "./errors.ts";
import { didYouMean } from "./suggest.ts";
import { DAG_FORMATS, type DagFormat } from "./inspect.ts";

export type Command = "run" | "verify" | "gc" | "key" | "dag" | "show" | "diff" | "config";

export interface CliOptions {
  command: Command;
  dag: string;
  out: string;
  scale?: string;
  ep?: string;
  only: string[];
  force: string[];
  set: string[];
  /** `--config KEY=VALUE` overrides of the DAG module's config, in order. */
  config: string[];
  jobs: number;
  dryRun: boolean;
  json: boolean;
  /** With diff: how the values of each changed file changed. */
  values: boolean;
  /** With show: the builds the cache index records. */
  builds: boolean;
  /** With diff: the earlier build (a key or its prefix) to compare its stage with. */
  against?: string;
  /** With dag: text, dot or mermaid. */
  format: DagFormat;
  /** With dag: one node per declaring module. */
  group: boolean;
  keepGoing: boolean;
  wait: boolean;
  yes: boolean;
  help: boolean;
  /** Whether the first word named the command (else `run` was implied). */
  commandGiven: boolean;
  /** The words after the command (or all of them, if none was given): the targets. */
  words: string[];
}

export const USAGE = `Usage: pipeline <command> [options] [target...]

Commands:
  run      Run the DAG (default). Targets (stage ids, patterns like 'fig3-*', or names like
           figure3) select what to build, with their ancestors.
  verify   Rehash every cache entry; quarantine corrupt ones so that they are rebuilt.
  gc       List cache entries (and checkpoints) that no scale of the current DAG reaches, as
           preset or with the given --ep, --config and --set (kept as well); delete them
           with --yes.
  key      Print one SHA-256 over the keys of the planned stages (a CI cache key).
  dag      Print the DAG (targets and their ancestors) with each stage's status: text, or
           --format dot (Graphviz) or mermaid; --group draws one node per declaring module.
  show     Print stages (ids, targets or patterns with *; all if none): params after the preset
           and --set, inputs, code, resources, status and cache entry (with --builds, the
           builds the cache recorded, and how each differs).
  diff     Compare each cached stage's output files (targets with ancestors; all if none) with
           those of its closest earlier build still in the cache: same, or which files differ
           (with --values, how their values changed; with --against, a build of your choice).
  config   Print the DAG module's config at the scale, after --config, as JSON: the keys
           --config can set.

Options (each command takes only those it reads; any other exits 2):
  --dag FILE          DAG module exporting pipeline(), scales, eps and, if it checks stage
                      params, checkParams (default stages/mod.ts)
  --out DIR           output directory (default out)
  --scale NAME        preset: smoke | default | paper (as the DAG declares)
  --ep NAME           execution provider: cpu | webgpu | cuda (as the DAG declares)
  --only ID           only this stage, pattern or target, with ancestors (repeatable, or a,b)
  --force ID          rerun this stage even if cached (or a pattern's selected stages, or a
                      target's own); dependents stay cached (repeatable, or a,b)
  --set S.P=V         override param P of stage S (S may use *; V is JSON, or text for strings)
  --config K=V        override the DAG module's config value K (a path like figure3.seeds;
                      V is JSON, or text for strings): it decides which stages exist, such
                      as the runs of a grid (repeatable; --set cannot add a stage)
  --jobs N            run up to N threads of stages at once (default: number of cores); a
                      stage that asks for more runs alone, with its own thread count
  --dry-run           print every stage with cached or run and the reason; run nothing
  --json              with --dry-run, show or diff: print one JSON document on stdout
  --builds            with show: the stage's last 8 builds, newest first: in the cache or
                      not, how long each ran, and how the planned stage differs from each
  --against KEY       with diff: compare the stage that recorded this earlier build (its
                      key's first 6 or more hex digits, as show --builds prints them) with it
  --values            with diff: for each changed file, the JSON fields and CSV columns whose
                      values changed (old -> new, largest difference), or the lines of text
  --format NAME       with dag: text (default), dot or mermaid
  --group             with dag: one node per module that declares stages
  --keep-going        after a failure, still run stages that do not depend on it
  --no-wait           if another run holds out/, stop instead of waiting
  --yes               with gc: delete
  -h, --help          this help

With no arguments at all this help is printed (exit 2); "run" alone runs the whole DAG.

Exit codes: 0 success, 1 a stage failed, 2 bad usage or configuration, 130 interrupted.`;

/** The comma-separated names of a repeatable flag; an empty one is an error, not "all stages". */
function list(flag: string, what: string, values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => {
    const names = v.split(",").map((n) => n.trim()).filter(Boolean);
    if (names.length === 0) {
      throw new UsageError(`Expected --${flag} to name ${what} but found "${v}"`);
    }
    return names;
  });
}

/** The options each command reads besides --dag, --out and --help; any other one is an error. */
const OPTIONS: Readonly<Record<Command, readonly string[]>> = {
  run: [
    "scale",
    "ep",
    "only",
    "force",
    "set",
    "config",
    "jobs",
    "dry-run",
    "json",
    "keep-going",
    "no-wait",
  ],
  verify: ["no-wait"],
  // gc always keeps what every scale reaches: with --scale a copied `--scale smoke` would delete
  // the default scale's hours of results
  gc: ["ep", "set", "config", "yes", "no-wait"],
  key: ["scale", "ep", "only", "set", "config"],
  dag: ["scale", "ep", "only", "force", "set", "config", "format", "group"],
  show: ["scale", "ep", "only", "force", "set", "config", "json", "builds"],
  diff: ["scale", "ep", "only", "set", "config", "json", "values", "against"],
  config: ["scale", "config"],
};

/** The command names, in the order of the help. */
const COMMANDS = Object.keys(OPTIONS) as Command[];

/** Every option of every command, for node:util's parseArgs. */
const SPECS = {
  dag: { type: "string", default: "stages/mod.ts" },
  out: { type: "string", default: "out" },
  scale: { type: "string" },
  ep: { type: "string" },
  only: { type: "string", multiple: true },
  force: { type: "string", multiple: true },
  set: { type: "string", multiple: true },
  config: { type: "string", multiple: true },
  jobs: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  values: { type: "boolean", default: false },
  builds: { type: "boolean", default: false },
  against: { type: "string" },
  format: { type: "string" },
  group: { type: "boolean", default: false },
  "keep-going": { type: "boolean", default: false },
  "no-wait": { type: "boolean", default: false },
  yes: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Parse argv; throws UsageError naming the bad flag or value. */
export function parseCli(args: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: SPECS,
    });
  } catch (e) {
    const unknown = (e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" &&
      (e as Error).message.match(/^Unknown option '([^']+)'/)?.[1];
    if (unknown) {
      const known = Object.keys(SPECS).map((o) => `--${o}`);
      const near = didYouMean(unknown, known);
      throw new UsageError(`Unknown option "${unknown}"${near || " (--help lists the options)"}`);
    }
    // node:util says "argument is ambiguous" for `--scale --dry-run` and `--jobs -3`
    const missing = (e as { code?: string }).code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" &&
      (e as Error).message.match(/^Option '(--[\w-]+)' argument is ambiguous/)?.[1];
    throw new UsageError(
      missing
        ? `Expected a value after ${missing} but found another option (write ${missing}=VALUE ` +
          `for a value that starts with "-")`
        : (e as Error).message,
    );
  }
  const { values, positionals, tokens } = parsed;
  let command: Command = "run";
  const commandGiven = positionals.length > 0 && Object.hasOwn(OPTIONS, positionals[0]);
  if (commandGiven) command = positionals.shift() as Command;
  for (const t of tokens) {
    if (t.kind !== "option" || ["dag", "out", "help"].includes(t.name)) continue;
    if (!OPTIONS[command].includes(t.name)) {
      const takers = Object.entries(OPTIONS).filter(([, o]) => o.includes(t.name));
      // `gcc --yes`: the misspelt command is the likelier mistake
      const near = commandGiven || positionals.length === 0
        ? ""
        : didYouMean(positionals[0], COMMANDS, "the command ");
      throw new UsageError(
        `Expected --${t.name} only with ${takers.map(([c]) => c).join(", ")} but found it with ` +
          `"${command}"${near}`,
      );
    }
  }
  let jobs = navigator.hardwareConcurrency || 1;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) {
      throw new UsageError(`Expected --jobs to be a positive integer but found "${values.jobs}"`);
    }
  }
  if (values.json && command === "run" && !values["dry-run"]) {
    throw new UsageError("Expected --json together with --dry-run (or with show or diff)");
  }
  const format = (values.format ?? "text") as DagFormat;
  if (!DAG_FORMATS.includes(format)) {
    throw new UsageError(`Expected --format to be text, dot or mermaid but found "${format}"`);
  }
  if (positionals.length > 0 && !["run", "dag", "show", "diff", "key"].includes(command)) {
    throw new UsageError(
      `Expected no targets for "${command}" but found "${positionals.join(" ")}"`,
    );
  }
  return {
    command,
    dag: values.dag,
    out: values.out,
    scale: values.scale,
    ep: values.ep,
    only: [...list("only", "stages, patterns or targets", values.only), ...positionals],
    force: list("force", "stages", values.force),
    set: values.set ?? [],
    config: values.config ?? [],
    jobs,
    dryRun: values["dry-run"],
    json: values.json,
    values: values.values,
    builds: values.builds,
    against: values.against,
    format,
    group: values.group,
    keepGoing: values["keep-going"],
    wait: !values["no-wait"],
    yes: values.yes,
    help: values.help,
    commandGiven,
    words: positionals,
  };
}

/**
 * `e` with a hint for a command word the DAG read as a target: a misspelt command in the first
 * place (`verfy`: did you mean the command "verify"?; else the commands are listed), or a command
 * among the targets (`figure3 verify`; `deno task reproduce verify`, whose task gives `run` first).
 * Other errors are returned as is, and so are misspelt names for which a stage or target was
 * suggested and names given with --only.
 */
export function commandHint(
  e: unknown,
  o: Pick<CliOptions, "command" | "commandGiven" | "words">,
): unknown {
  if (!(e instanceof UnknownNameError) || !o.words.includes(e.unknown)) return e;
  if ((COMMANDS as string[]).includes(e.unknown)) {
    const why = !o.commandGiven
      ? "which must come first, before any target"
      : o.command === "run"
      ? `but the command here is "run" ("deno task reproduce" starts with it): write ` +
        `"deno task pipeline ${e.unknown}"`
      : `but the command here is "${o.command}", and a call takes one`;
    return new UsageError(`${e.message} ("${e.unknown}" is a command, ${why})`);
  }
  if (e.suggested || o.commandGiven || e.unknown !== o.words[0]) return e;
  const near = didYouMean(e.unknown, COMMANDS, "the command ");
  return new UsageError(e.message + (near || ` (nor a command: ${COMMANDS.join(", ")})`));
}
