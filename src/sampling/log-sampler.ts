/**
 * The contract between the log instrumentations and the sampling processor.
 *
 * In the default scope (`export`) an instrumentation emits every log record and the sampling
 * processor decides. With `SPRINTLENS_LOG_SAMPLING_SCOPE=all` the instrumentation asks the
 * active sampler *before* the logger serialises the line: a dropped line is then neither
 * written nor emitted, and a kept one is emitted with its decision already attached (the
 * processor does not decide twice). Either way `decide` is called once per line, so the
 * sampler's statistics count every line.
 */

/** What the sampler needs to know about one log line. */
export interface LogSampleInput {
  /** OTel severity number (1–24). ERROR (17+) and FATAL are always kept. */
  readonly severityNumber: number;
  /**
   * The message as written (after interpolation), used when no template is known. With a
   * template a sampler does not read it, so an instrumentation may compute it lazily.
   */
  readonly message: string;
  /** The message before interpolation (`'user %s logged in'`), when the logger has it. */
  readonly template?: string;
  /** Trace id (32 hex chars) of the active span, if any: the draw is derived from it. */
  readonly traceId?: string;
}

/** The sampler's answer. */
export interface LogSampleDecision {
  readonly keep: boolean;
  /** `sprintlens.pattern.id`. */
  readonly patternId: string;
  /** `log.record.template`. */
  readonly template: string;
  /** `sprintlens.sample_rate`: 1/p of the probability the line was kept with. */
  readonly sampleRate: number;
}

/** Decides per log line; implemented by the sampling processor. */
export interface LogSampler {
  decide(input: LogSampleInput): LogSampleDecision;
  /** `all`: instrumentations must consult {@link LogSampler.decide} before serialising. */
  readonly scope: 'export' | 'all';
  /**
   * Calls of {@link LogSampler.decide} that threw, counted by the caller that caught them (the
   * line was kept, undecided); part of `sprintlens_log_sampler_decision_failures_total`.
   */
  failures: number;
}

/** Attribute names the decision travels under on a log record. */
export const PATTERN_ID_ATTRIBUTE = 'sprintlens.pattern.id';
export const TEMPLATE_ATTRIBUTE = 'log.record.template';
export const SAMPLE_RATE_ATTRIBUTE = 'sprintlens.sample_rate';

const ACTIVE_KEY = Symbol.for('sprintlens.log-sampler');
type GlobalWithSampler = typeof globalThis & { [ACTIVE_KEY]?: LogSampler };

/** The sampler `start()` installed, if log sampling is on. */
export function getActiveLogSampler(): LogSampler | undefined {
  return (globalThis as GlobalWithSampler)[ACTIVE_KEY];
}

/** Installs (or, with `undefined`, removes) the active sampler. */
export function setActiveLogSampler(sampler: LogSampler | undefined): void {
  const holder = globalThis as GlobalWithSampler;
  if (sampler === undefined) delete holder[ACTIVE_KEY];
  else holder[ACTIVE_KEY] = sampler;
}
