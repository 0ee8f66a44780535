import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import type { SprintlensError } from './errors';
import { safeString, safeStringify } from './text';

/**
 * Internal diagnostics. Everything goes through the OTel `diag` API (so a user's own diag
 * logger sees it too), under the `sprintlens` namespace, and coded warnings are rate-limited
 * per code so a failing exporter cannot flood stderr.
 */
const component = diag.createComponentLogger({ namespace: 'sprintlens' });

const DEFAULT_INTERVAL_MS = 60_000;
const lastReport = new Map<string, number>();

/** Report a coded condition at WARN at most once per `intervalMs` (default a minute). */
export function reportWarning(error: SprintlensError, intervalMs = DEFAULT_INTERVAL_MS): void {
  if (!shouldReport(error.code, intervalMs)) return;
  component.warn(`${error.code} ${error.message}`);
}

/** Report a coded condition at ERROR, rate-limited like {@link reportWarning}. */
export function reportError(error: SprintlensError, intervalMs = DEFAULT_INTERVAL_MS): void {
  if (!shouldReport(error.code, intervalMs)) return;
  component.error(`${error.code} ${error.message}`);
}

/**
 * Whether a report of `code` now would be logged rather than rate-limited (it records nothing).
 * For callers on a hot path: build the error only when it will be reported.
 */
export function wouldReport(code: string, intervalMs = DEFAULT_INTERVAL_MS): boolean {
  const last = lastReport.get(code);
  return last === undefined || Date.now() - last >= intervalMs;
}

/** Debug-level diagnostics; callers must not pass secrets or captured content. */
export function debug(message: string, ...args: unknown[]): void {
  component.debug(message, ...args);
}

function shouldReport(key: string, intervalMs: number): boolean {
  const now = Date.now();
  const last = lastReport.get(key);
  if (last !== undefined && now - last < intervalMs) return false;
  lastReport.set(key, now);
  return true;
}

/** Forget rate-limit state (tests). */
export function resetDiagRateLimits(): void {
  lastReport.clear();
}

/**
 * A diag logger that writes straight to stderr. Console instrumentation patches `console.*`,
 * so our own diagnostics must not go through it, or they would become app logs.
 */
export class StderrDiagLogger implements DiagLogger {
  error = (message: string, ...args: unknown[]): void => write('error', message, args);
  warn = (message: string, ...args: unknown[]): void => write('warn', message, args);
  info = (message: string, ...args: unknown[]): void => write('info', message, args);
  debug = (message: string, ...args: unknown[]): void => write('debug', message, args);
  verbose = (message: string, ...args: unknown[]): void => write('verbose', message, args);
}

function write(level: string, message: string, args: unknown[]): void {
  let line = `${level}: ${message}`;
  for (const arg of args) line += ' ' + stringify(arg);
  try {
    process.stderr.write(line + '\n');
  } catch {
    // stderr closed: nothing sensible left to do.
  }
}

/** Longest rendering of one non-string diagnostic argument (the resolved config fits). */
const MAX_ARGUMENT_LENGTH = 16_384;

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) {
    try {
      return `${safeString(value.name)}: ${safeString(value.message)}`;
    } catch {
      return safeString(value); // a getter that throws
    }
  }
  return safeStringify(value, { maxLength: MAX_ARGUMENT_LENGTH });
}

/** Install the stderr logger on the global diag API at `level`. */
export function installDiagLogger(level: DiagLogLevel): void {
  if (level === DiagLogLevel.NONE) {
    diag.disable();
    return;
  }
  diag.setLogger(new StderrDiagLogger(), { logLevel: level, suppressOverrideMessage: true });
}
