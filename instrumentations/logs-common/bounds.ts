/** Size bounds of what a log record may carry; a log line never makes an unbounded record. */
export interface AttributeBounds {
  /** Most attributes per record (beyond them, fields are counted as dropped). */
  readonly maxCount: number;
  /** Longest string value, in UTF-16 code units; longer ones are cut. */
  readonly maxStringLength: number;
  /** Deepest nesting flattened into dotted keys; deeper objects become JSON strings. */
  readonly maxDepth: number;
  /** Longest body, in UTF-16 code units. */
  readonly maxBodyLength: number;
}

/** Defaults: generous for real fields, small enough that a runaway value cannot hurt. */
export const DEFAULT_BOUNDS: AttributeBounds = {
  maxCount: 64,
  maxStringLength: 4096,
  maxDepth: 3,
  maxBodyLength: 16_384,
};
