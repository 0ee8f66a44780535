/**
 * Severity classes of the log sampler. OTel severity numbers come in bands of four
 * (TRACE 1–4, DEBUG 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24); the sampler works on
 * the band, as a small integer that indexes plain arrays on the hot path.
 */

export const SEV_TRACE = 0;
export const SEV_DEBUG = 1;
export const SEV_INFO = 2;
export const SEV_WARN = 3;
export const SEV_ERROR = 4;
export const SEV_FATAL = 5;

/** Names by class index; the first four are the sampled ones. */
export const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** The severities that can be sampled (ERROR and FATAL are always kept). */
export const SAMPLED_SEVERITY_COUNT = 4;

/**
 * Class of an OTel severity number. A missing, zero or non-numeric severity counts as INFO (a
 * line nobody labelled is treated like an ordinary one); anything above 24 counts as FATAL.
 */
export function severityClass(severityNumber: number | undefined): number {
  if (typeof severityNumber !== 'number' || !(severityNumber >= 1)) return SEV_INFO;
  if (severityNumber >= 21) return SEV_FATAL;
  return ((severityNumber - 1) >> 2) | 0;
}
