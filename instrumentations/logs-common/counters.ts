/**
 * What the log instrumentations did not pass on, process-wide: plain numbers bumped on the hot
 * path, read by the metrics at scrape time (see `metrics.ts`). Nothing is dropped uncounted.
 */
export const logCounters = {
  /** Fields not turned into attributes because a record reached its attribute count bound. */
  fieldsDropped: 0,
  /** Lines the logger did not write because the sampler dropped them (scope `all`). */
  linesNotWritten: 0,
  /** Lines written but given no record because the sampler dropped them (scope `export`). */
  recordsNotBuilt: 0,
  /** Lines whose record could not be built or emitted (an internal error; the line was written). */
  emitFailures: 0,
};
