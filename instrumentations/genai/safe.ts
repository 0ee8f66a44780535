import { reportError } from '../../src/base/diag';
import { GenAiInstrumentationError } from '../../src/base/errors';

/**
 * Reports a failure of our own code. Instrumentation code calls this from its `catch` blocks so
 * that nothing of ours ever reaches the app; the report is rate-limited and never holds content.
 */
export function reportInternal(where: string, error: unknown): void {
  try {
    reportError(new GenAiInstrumentationError(where, error));
  } catch {
    // Diagnostics must not fail the call either.
  }
}
