import { SeverityNumber } from '@opentelemetry/api';

/**
 * Numeric levels as pino and bunyan use them (trace 10, debug 20, info 30, warn 40, error 50,
 * fatal 60). Custom levels in between map to the nearest standard level below them.
 */
export function severityFromNumericLevel(level: number): SeverityNumber {
  if (level >= 60) return SeverityNumber.FATAL;
  if (level >= 50) return SeverityNumber.ERROR;
  if (level >= 40) return SeverityNumber.WARN;
  if (level >= 30) return SeverityNumber.INFO;
  if (level >= 20) return SeverityNumber.DEBUG;
  return SeverityNumber.TRACE;
}

/** pino's and bunyan's names of their standard numeric levels. */
export const NUMERIC_LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

// Level names of npm (winston's default), syslog and cli level sets, plus console methods.
const BY_NAME: Readonly<Record<string, SeverityNumber>> = {
  emerg: SeverityNumber.FATAL3,
  alert: SeverityNumber.FATAL2,
  crit: SeverityNumber.FATAL,
  fatal: SeverityNumber.FATAL,
  error: SeverityNumber.ERROR,
  warn: SeverityNumber.WARN,
  warning: SeverityNumber.WARN,
  notice: SeverityNumber.INFO2,
  info: SeverityNumber.INFO,
  log: SeverityNumber.INFO,
  help: SeverityNumber.INFO,
  data: SeverityNumber.INFO,
  prompt: SeverityNumber.INFO,
  http: SeverityNumber.DEBUG4,
  verbose: SeverityNumber.DEBUG2,
  input: SeverityNumber.DEBUG2,
  debug: SeverityNumber.DEBUG,
  silly: SeverityNumber.TRACE,
  trace: SeverityNumber.TRACE,
};

/** A level given by name (winston, console). Unknown names are INFO: kept readable, not lost. */
export function severityFromName(name: string): SeverityNumber {
  return BY_NAME[name] ?? BY_NAME[name.toLowerCase()] ?? SeverityNumber.INFO;
}
