import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { AttributeBounds } from '../logs-common/bounds';

/** Configuration of the bunyan instrumentation. */
export interface BunyanInstrumentationConfig extends InstrumentationConfig {
  /** Emit an OTel log record per line (default true). */
  readonly logSending?: boolean;
  /** Add `trace_id`/`span_id`/`trace_flags` to the record while a span is active (default true). */
  readonly logCorrelation?: boolean;
  /** Size bounds of a record's attributes and body. */
  readonly bounds?: AttributeBounds;
}

/** bunyan's Logger, as far as this instrumentation touches it. */
export interface BunyanLogger {
  _emit(rec: unknown, noemit?: unknown): unknown;
}

/** The bunyan module: the Logger constructor itself. */
export interface BunyanModule {
  readonly prototype: BunyanLogger;
}
