/** Error classes the CLI maps to exit codes. */

/** Bad flags, unknown names, invalid DAG declarations: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A stage's run failed: exit code 1. */
export class StageError extends Error {
  override name = "StageError";
}

/** The store could not be used as expected. */
export class CacheError extends Error {
  override name = "CacheError";
}
