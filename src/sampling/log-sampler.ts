/**
 * The contract between the log instrumentations and the sampling processor: one decision per
 * log line, taken at one site.
 *
 * A log instrumentation holds the sampler it was handed (`start()` hands it the one it built)
 * and asks it once per line, *before* the logger serialises the line. A dropped line gets no
 * record (and in scope `all` is not written either). A kept line's record is emitted with its
 * decision in the sampler's {@link DecisionHandoff}: the sampling processor takes the decision
 * from there, writes the exported attributes and forwards the record without deciding again.
 * Records the processor finds no hand-off for (other sources, lines the sampler failed on)
 * it decides itself. Either way each line is decided once, and the decision attributes are
 * written once, by the processor.
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

/** The sampler's answer, as an object (see {@link LogSampler.decideRecord} for the hot path). */
export interface LogSampleDecision {
  readonly keep: boolean;
  /** `sprintlens.pattern.id`. */
  readonly patternId: string;
  /** `log.record.template`. */
  readonly template: string;
  /** `sprintlens.sample_rate`: 1/p of the probability the line was kept with. */
  readonly sampleRate: number;
}

/**
 * A decision on its way across the SDK, from the instrumentation that took it to the sampling
 * processor. `pending` is set only for the duration of the instrumentation's `logger.emit(...)`
 * (which calls the processors synchronously) and the processor clears it when it takes the
 * decision, so a record emitted by anything else, or nested inside a processor, is never taken
 * for a decided one. An internal mark: nothing of it is exported.
 */
export class DecisionHandoff {
  pending = false;
  patternId = '';
  template = '';
  sampleRate = 1;
}

/** Decides per log line; implemented by the pattern sampler. */
export interface LogSampler {
  /** `all`: a dropped line is not written by the logger either. */
  readonly scope: 'export' | 'all';
  /**
   * Decides one line without allocating: `true` to keep it; the decision's attributes are left
   * in {@link outId}, {@link outTemplate} and {@link outSampleRate} until the next call. With a
   * `template` the `message` is not read (pass `''`). Throws only if a dependency does (the
   * random source): the caller keeps the line undecided and counts it in {@link failures}.
   */
  decideRecord(
    severityNumber: number | undefined,
    message: string,
    template: string | undefined,
    traceId: string | undefined,
  ): boolean;
  readonly outId: string;
  readonly outTemplate: string;
  readonly outSampleRate: number;
  /** Where an instrumentation leaves a decision for the sampling processor. */
  readonly handoff: DecisionHandoff;
  /**
   * Lines the sampler failed to decide (kept, undecided), counted by whoever caught the failure:
   * `sprintlens_log_sampler_decision_failures_total`.
   */
  failures: number;
}

/** Attribute names the decision is exported under. */
export const PATTERN_ID_ATTRIBUTE = 'sprintlens.pattern.id';
export const TEMPLATE_ATTRIBUTE = 'log.record.template';
export const SAMPLE_RATE_ATTRIBUTE = 'sprintlens.sample_rate';

/**
 * Follows the published sampler (see {@link setActiveLogSampler}): told of each change, so it
 * never looks the sampler up per line.
 */
export interface ActiveLogSamplerFollower {
  activeLogSamplerChanged(sampler: LogSampler | undefined): void;
}

/** The published sampler and who follows it (weakly: a follower may be garbage collected). */
interface Publication {
  sampler: LogSampler | undefined;
  readonly followers: Set<WeakRef<ActiveLogSamplerFollower>>;
}

// On globalThis: a sampler published by one copy of the package (a user's
// createLogSamplingProcessor) is found by the instrumentations of another.
const PUBLICATION_KEY = Symbol.for('sprintlens.log-sampler.publication');
type GlobalWithPublication = typeof globalThis & { [PUBLICATION_KEY]?: Publication };

function publication(): Publication {
  const holder = globalThis as GlobalWithPublication;
  return (holder[PUBLICATION_KEY] ??= { sampler: undefined, followers: new Set() });
}

/**
 * The published sampler: the last one `createLogSamplingProcessor()` made (with `setActive`,
 * its default), for the instrumentations nobody handed a sampler (a user's own `NodeSDK`).
 * `start()` does not publish its sampler; it hands it to its instrumentations.
 */
export function getActiveLogSampler(): LogSampler | undefined {
  return (globalThis as GlobalWithPublication)[PUBLICATION_KEY]?.sampler;
}

/** Publishes `sampler` (`undefined`: none) and tells every follower. */
export function setActiveLogSampler(sampler: LogSampler | undefined): void {
  const pub = publication();
  pub.sampler = sampler;
  for (const ref of pub.followers) {
    const follower = ref.deref();
    if (follower === undefined) pub.followers.delete(ref);
    else follower.activeLogSamplerChanged(sampler);
  }
}

/** Tells `follower` of every change of the published sampler; returns the current one. */
export function followActiveLogSampler(follower: ActiveLogSamplerFollower): LogSampler | undefined {
  const pub = publication();
  pub.followers.add(new WeakRef(follower));
  return pub.sampler;
}
