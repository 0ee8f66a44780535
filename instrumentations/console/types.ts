/** The console methods patched; each line's severity is its method's (`severityFromName`). */
export type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
