/** A winston logger, as far as this instrumentation reads it. */
export interface WinstonLogger {
  isLevelEnabled(level: string): boolean;
  write(info: unknown, ...rest: unknown[]): boolean;
}

/** The part of winston's module this instrumentation touches. */
export interface WinstonModule {
  readonly Logger: { readonly prototype: WinstonLogger };
}
