/** Error classes the CLI maps to exit codes. */

/** Bad flags, unknown names, invalid DAG declarations: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A name in --only or a target that is no stage id, pattern or target of the DAG. */
export class UnknownNameError extends UsageError {
  /** `unknown`: the name; `suggested`: whether the message already offers a nearest name. */
  constructor(message: string, readonly unknown: string, readonly suggested: boolean) {
    super(message);
  }
}

/** A stage's run failed: exit code 1. */
export class StageError extends Error {
  override name = "StageError";
}

/** The store could not be used as expected. */
export class CacheError extends Error {
  override name = "CacheError";
}
