import { logPattern } from './log-pattern';
import { DecisionHandoff } from './log-sampler';
import type { LogSampleDecision, LogSampleInput, LogSampler } from './log-sampler';
import { PatternTable } from './pattern-table';
import type { PatternEntry } from './pattern-table';
import { templatePattern } from './printf-template';
import type { SamplingPolicy } from './sampling-policy';
import {
  SAMPLED_SEVERITY_COUNT,
  SEV_ERROR,
  SEV_FATAL,
  SEV_TRACE,
  SEVERITY_NAMES,
  severityClass,
} from './severity';
import type { SeverityName } from './severity';
import { traceUniform } from './trace-draw';

/**
 * Defaults of the sampler's tunables (documented in docs/log-sampling.md). The default rates are
 * the configuration's (`DEFAULTS.logRates` of src/config/resolve.ts).
 */
export const SAMPLER_DEFAULTS = {
  budgetPerMinute: 1000,
  maxPatterns: 10_000,
  firstOccurrences: 5,
  maxTemplates: 2048,
} as const;

/** Length of one budget window: the arrival rate is measured per window and smoothed across. */
const BUDGET_WINDOW_MS = 60_000;
/** Floor on the elapsed time used to extrapolate the rate: a burst in the first ms is not ∞. */
const MIN_ELAPSED_MS = 1000;
/** Longest constant message remembered verbatim (bounds the cache's memory). */
const MAX_CACHED_MESSAGE_LENGTH = 256;
/** `seen` stops counting here: it only has to outgrow the first-occurrence limit. */
const SEEN_CAP = 1 << 30;

/** Resolved settings of a {@link PatternSampler}. */
export interface PatternSamplerSettings {
  /** Keep probability of TRACE, DEBUG, INFO, WARN (index = severity class). */
  readonly rates: readonly [number, number, number, number];
  readonly budgetPerMinute: number;
  readonly maxPatterns: number;
  readonly firstOccurrences: number;
  /** New patterns admitted per minute before the cardinality guard trips. */
  readonly maxNewPatternsPerMinute: number;
  readonly maxTemplates: number;
  readonly scope: 'export' | 'all';
  /** Clock in ms. */
  readonly now: () => number;
  /** Uniform in [0, 1) for records outside a trace. */
  readonly random: () => number;
}

/** One pattern's statistics over a report window. */
export interface PatternWindowStat {
  readonly id: string;
  readonly template: string;
  readonly severity: SeverityName;
  readonly count: number;
  readonly kept: number;
}

/**
 * The decision logic: pattern lookup, rate choice, budget, first occurrences, trace-consistent
 * draw, and the counts behind the metrics and the pattern reports.
 *
 * Unbiasedness: every record is kept with a probability `p` fixed before its draw (first
 * occurrences and ERROR/FATAL with `p = 1`), and a kept record carries `1/p`; so the sum of
 * `sprintlens.sample_rate` over kept records is an unbiased estimate of the number of records,
 * whatever the budget did to `p` along the way.
 */
export class PatternSampler implements LogSampler {
  readonly scope: 'export' | 'all';
  readonly table: PatternTable;
  /** Records seen and kept per severity class (TRACE..FATAL). */
  readonly seen = new Float64Array(6);
  readonly kept = new Float64Array(6);
  /** Records of new patterns refused a table entry by the cardinality guard. */
  overflow = 0;
  /**
   * Lines that could not be decided (kept, undecided), counted by whoever caught the failure: a
   * log instrumentation or the sampling processor. The one count behind
   * `sprintlens_log_sampler_decision_failures_total`.
   */
  failures = 0;
  /** Where a log instrumentation leaves its decision for the sampling processor. */
  readonly handoff = new DecisionHandoff();

  /** Output of the last {@link decideRecord}: the decision's attributes. */
  outId = '';
  outTemplate = '';
  /** 1/p; 0 when p was 0 (such a record is never kept). */
  outSampleRate = 1;

  private readonly settings: PatternSamplerSettings;
  private readonly templates = new Map<string, PatternEntry>();
  /** Constant messages (no variable part) → their entry; bounded like `templates`. */
  private readonly messages = new Map<string, PatternEntry>();
  /** Rate per severity class in force (policy or local), ERROR/FATAL pinned at 1. */
  private readonly effective = new Float64Array(6);
  private policyValue: SamplingPolicy | undefined;
  private generation = 0;
  // Cardinality guard: a token bucket of new patterns.
  private newTokens: number;
  private newRefillAt: number;

  constructor(settings: PatternSamplerSettings) {
    this.settings = settings;
    this.scope = settings.scope;
    this.table = new PatternTable(settings.maxPatterns);
    this.newTokens = settings.maxNewPatternsPerMinute;
    this.newRefillAt = settings.now();
    this.applyRates();
  }

  /** The policy in force, if any. */
  get policy(): SamplingPolicy | undefined {
    return this.policyValue;
  }

  /** Puts a validated policy in force (`undefined`: back to the local rates). */
  setPolicy(policy: SamplingPolicy | undefined): void {
    this.policyValue = policy;
    this.generation++;
    this.applyRates();
  }

  private applyRates(): void {
    const policy = this.policyValue;
    for (let sev = SEV_TRACE; sev < SAMPLED_SEVERITY_COUNT; sev++) {
      if (policy === undefined) {
        this.effective[sev] = this.settings.rates[sev] as number;
      } else {
        const rate = policy.severityRates[sev] as number;
        this.effective[sev] = rate === rate ? rate : policy.defaultRate;
      }
    }
    this.effective[SEV_ERROR] = 1;
    this.effective[SEV_FATAL] = 1;
  }

  /**
   * One decision as a small object, for tests and tools; the log line path uses the
   * allocation-free {@link decideRecord}. With a template the message is not read.
   */
  decide(input: LogSampleInput): LogSampleDecision {
    const template = input.template;
    const keep = this.decideRecord(
      input.severityNumber,
      typeof template === 'string' && template !== '' ? '' : input.message,
      template,
      input.traceId,
    );
    return {
      keep,
      patternId: this.outId,
      template: this.outTemplate,
      sampleRate: this.outSampleRate,
    };
  }

  /**
   * Decides one record without allocating a result: the attributes are left in `outId`,
   * `outTemplate` and `outSampleRate`. Never throws on odd input.
   */
  decideRecord(
    severityNumber: number | undefined,
    message: string,
    template: string | undefined,
    traceId: string | undefined,
  ): boolean {
    const sev = severityClass(severityNumber);
    let entry: PatternEntry | undefined;
    if (typeof template === 'string' && template !== '') {
      entry = this.templates.get(template);
      if (entry !== undefined && !entry.evicted) {
        this.table.touch(entry);
      } else {
        const pattern = templatePattern(template);
        entry = this.lookup(pattern.id, pattern.template);
        if (entry !== undefined) this.cacheTemplate(template, entry);
      }
    } else {
      entry = this.messages.get(message);
      if (entry !== undefined && !entry.evicted) {
        this.table.touch(entry);
      } else {
        const pattern = logPattern(message);
        entry = this.lookup(pattern.id, pattern.template);
        // A message without variables is its own template and recurs verbatim ('server
        // started'): remember it. Messages with variables never enter, so they cannot churn it.
        if (
          entry !== undefined &&
          message.length <= MAX_CACHED_MESSAGE_LENGTH &&
          pattern.template === message
        ) {
          if (this.messages.size >= this.settings.maxTemplates) this.messages.clear();
          this.messages.set(message, entry);
        }
      }
    }
    // this.outId/outTemplate were set by lookup() for overflow patterns.
    if (entry !== undefined) {
      this.outId = entry.id;
      this.outTemplate = entry.template;
    }

    let p: number;
    if (sev >= SEV_ERROR) {
      p = 1;
    } else {
      p = this.baseRate(entry, sev);
      if (entry !== undefined) {
        const budgetP = this.budgetRate(entry);
        if (budgetP < p) p = budgetP;
        if (entry.seen < this.settings.firstOccurrences) p = 1;
      }
    }

    let keep: boolean;
    if (p >= 1) keep = true;
    else if (p <= 0) keep = false;
    else {
      const u =
        typeof traceId === 'string' && traceId !== ''
          ? traceUniform(traceId)
          : this.settings.random();
      keep = u < p;
    }
    this.outSampleRate = p > 0 ? 1 / p : 0;

    const seen = this.seen;
    seen[sev] = (seen[sev] as number) + 1;
    if (keep) this.kept[sev] = (this.kept[sev] as number) + 1;
    if (entry !== undefined) {
      if (entry.seen < SEEN_CAP) entry.seen++;
      entry.severity = sev;
      entry.windowCount++;
      if (keep) entry.windowKept++;
    }
    return keep;
  }

  /** The pattern's entry (created if new and admitted), or `undefined` for an overflow. */
  private lookup(id: string, template: string): PatternEntry | undefined {
    const found = this.table.get(id);
    if (found !== undefined) return found;
    if (!this.admitNewPattern()) {
      this.overflow++;
      this.outId = id;
      this.outTemplate = template;
      return undefined;
    }
    return this.table.insert(id, template);
  }

  /**
   * The cardinality guard. When messages stop sharing patterns (a variable the pattern scan
   * does not recognise), every line would be "new", kept as a first occurrence, and would
   * churn the table. Past the new-pattern allowance those lines are sampled at their plain
   * rate without an entry, so the table keeps the patterns that do repeat.
   */
  private admitNewPattern(): boolean {
    const limit = this.settings.maxNewPatternsPerMinute;
    const now = this.settings.now();
    const elapsed = now - this.newRefillAt;
    if (elapsed > 0) {
      this.newTokens = Math.min(limit, this.newTokens + (elapsed * limit) / 60_000);
      this.newRefillAt = now;
    }
    if (this.newTokens < 1) return false;
    this.newTokens--;
    return true;
  }

  private cacheTemplate(template: string, entry: PatternEntry): void {
    // Clearing when full bounds memory even if a logger passes ever-new templates; the normal
    // set of templates is small and refills at once.
    if (this.templates.size >= this.settings.maxTemplates) this.templates.clear();
    this.templates.set(template, entry);
  }

  private baseRate(entry: PatternEntry | undefined, sev: number): number {
    const policy = this.policyValue;
    if (policy !== undefined && policy.patternRates.size > 0) {
      let rate: number;
      if (entry !== undefined) {
        if (entry.policyGeneration !== this.generation) {
          entry.policyRate = policy.patternRates.get(entry.id) ?? NaN;
          entry.policyGeneration = this.generation;
        }
        rate = entry.policyRate;
      } else {
        rate = policy.patternRates.get(this.outId) ?? NaN;
      }
      if (rate === rate) return rate;
    }
    return this.effective[sev] as number;
  }

  /**
   * Probability that holds the pattern to its budget of kept lines per minute, from its arrival
   * rate: the larger of the smoothed rate of past windows and the rate so far in this window
   * (which reacts to a burst at once). `budget / rate` kept per arrival keeps about `budget`
   * lines a minute, and as it is fixed before the draw the estimate stays unbiased.
   */
  private budgetRate(entry: PatternEntry): number {
    const now = this.settings.now();
    let elapsed = now - entry.budgetStart;
    if (elapsed >= BUDGET_WINDOW_MS || elapsed < 0) {
      if (entry.budgetCount > 0 || entry.ratePerMinute >= 0) {
        const observed = elapsed > 0 ? (entry.budgetCount * 60_000) / elapsed : 0;
        entry.ratePerMinute =
          entry.ratePerMinute < 0 ? observed : 0.5 * observed + 0.5 * entry.ratePerMinute;
      }
      entry.budgetStart = now;
      entry.budgetCount = 0;
      elapsed = 0;
    }
    entry.budgetCount++;
    const current =
      (entry.budgetCount * 60_000) / (elapsed > MIN_ELAPSED_MS ? elapsed : MIN_ELAPSED_MS);
    const rate = current > entry.ratePerMinute ? current : entry.ratePerMinute;
    const budget = this.settings.budgetPerMinute;
    return rate > budget ? budget / rate : 1;
  }

  /**
   * The window's statistics, largest counts first, at most `limit` of them; the window restarts
   * for every pattern.
   */
  drainWindow(limit: number): PatternWindowStat[] {
    const active: PatternEntry[] = [];
    for (const entry of this.table.entries()) {
      if (entry.windowCount > 0) active.push(entry);
    }
    active.sort((a, b) => b.windowCount - a.windowCount);
    const stats: PatternWindowStat[] = [];
    for (let k = 0; k < active.length && k < limit; k++) {
      const e = active[k] as PatternEntry;
      stats.push({
        id: e.id,
        template: e.template,
        severity: SEVERITY_NAMES[e.severity] ?? 'INFO',
        count: e.windowCount,
        kept: e.windowKept,
      });
    }
    for (const e of active) {
      e.windowCount = 0;
      e.windowKept = 0;
    }
    return stats;
  }
}
