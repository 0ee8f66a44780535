/** bunyan's Logger, as far as this instrumentation touches it. */
export interface BunyanLogger {
  _emit(rec: unknown, noemit?: unknown): unknown;
}

/** The bunyan module: the Logger constructor itself. */
export interface BunyanModule {
  readonly prototype: BunyanLogger;
}
