/**
 * Redaction of captured content: every prompt, completion or tool payload that is captured
 * (opt-in) passes through a {@link Redactor} before it is put on a span.
 */
export { createRedactor, redactionMarker } from './redactor';
export { BUILTIN_REDACTION_KINDS, REDACTION_ERROR_KIND } from './types';
export type {
  BuiltinRedactionKind,
  CustomRedactionPattern,
  RedactionOptions,
  Redactor,
} from './types';
export { luhnValid } from './luhn';
export { ibanChecksumValid } from './iban';
