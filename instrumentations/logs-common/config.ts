import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { AttributeBounds } from './bounds';

/** Configuration of the log instrumentations (pino, winston, bunyan, console). */
export interface LogInstrumentationConfig extends InstrumentationConfig {
  /** Emit an OTel log record per line (default true). */
  readonly logSending?: boolean;
  /**
   * Add `trace_id`/`span_id`/`trace_flags` to what the logger writes (pino's line, winston's info
   * object, bunyan's record) while a span is active (default true). Console prints its arguments
   * as given: there it has no effect.
   */
  readonly logCorrelation?: boolean;
  /** Size bounds of a record's attributes and body. */
  readonly bounds?: AttributeBounds;
}
