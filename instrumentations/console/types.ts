import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { AttributeBounds } from '../logs-common/bounds';

/** Configuration of the console instrumentation. */
export interface ConsoleInstrumentationConfig extends InstrumentationConfig {
  /** Size bounds of a record's attributes and body. */
  readonly bounds?: AttributeBounds;
}

/** The console methods patched, each with the OTel severity of its lines. */
export type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
