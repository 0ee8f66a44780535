import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { AttributeBounds } from '../logs-common/bounds';

/** Configuration of the winston instrumentation. */
export interface WinstonInstrumentationConfig extends InstrumentationConfig {
  /** Emit an OTel log record per line (default true). */
  readonly logSending?: boolean;
  /** Add `trace_id`/`span_id`/`trace_flags` to the info object while a span is active (default true). */
  readonly logCorrelation?: boolean;
  /** Size bounds of a record's attributes and body. */
  readonly bounds?: AttributeBounds;
}

/** A winston logger, as far as this instrumentation reads it. */
export interface WinstonLogger {
  isLevelEnabled(level: string): boolean;
  write(info: unknown, ...rest: unknown[]): boolean;
}

/** The part of winston's module this instrumentation touches. */
export interface WinstonModule {
  readonly Logger: { readonly prototype: WinstonLogger };
}
