/** The part of pino's module this instrumentation touches (no runtime dependency on pino). */
export interface PinoModule {
  (...args: unknown[]): PinoLogger;
  readonly symbols: {
    readonly writeSym: symbol;
    readonly chindingsSym: symbol;
    readonly messageKeySym: symbol;
    readonly errorKeySym: symbol;
  };
  [key: string]: unknown;
}

/** A pino logger, as far as this instrumentation reads it. */
export interface PinoLogger {
  readonly levels?: { readonly labels?: Readonly<Record<number, string>> };
  [key: symbol]: unknown;
}

/** pino's `hooks.logMethod`. */
export type LogMethodHook = (
  this: PinoLogger,
  args: unknown[],
  method: (...args: unknown[]) => void,
  level: number,
) => void;

/** pino's internal write: `(mergeObject, formattedMessage, levelNumber)`. */
export type PinoWrite = (this: PinoLogger, obj: unknown, msg: unknown, num: number) => void;
