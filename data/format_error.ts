/** Errors raised by the data layer. */

/** A file does not have the layout its format prescribes (bad magic, truncated, wrong count). */
export class FormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FormatError";
  }
}

/** A file or archive does not have its pinned digest. */
export class DigestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DigestError";
  }
}
