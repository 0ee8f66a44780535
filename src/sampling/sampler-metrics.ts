import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { sdkRegistry } from '../metrics/registry';
import { SEVERITY_NAMES } from './severity';

/**
 * The sampler's counts as prom-client metrics in `sdkRegistry`. The hot path only bumps plain
 * numbers on the sampler; the metrics read them at scrape time (`collect`), so a log call never
 * pays for label hashing. No metric has a pattern id (or anything from a log line) as a label.
 */

/** What a running sampler exposes to the metrics. */
export interface SamplerStatsSource {
  readonly seen: Float64Array;
  readonly kept: Float64Array;
  patternsTracked(): number;
  evictions(): number;
  overflow(): number;
  decisionFailures(): number;
  policyFetchFailures(): number;
  policyInvalid(): number;
  reportFailures(): number;
  /** Version of the policy in force, if one is. */
  policyVersion(): string | undefined;
  /** Seconds since the policy in force was last fetched or confirmed (304). */
  policyAgeSeconds(): number | undefined;
}

const sources = new Set<SamplerStatsSource>();
/** Counts of sources that shut down, so counters never go backwards. */
const retired = {
  seen: new Float64Array(6),
  kept: new Float64Array(6),
  evictions: 0,
  overflow: 0,
  decisionFailures: 0,
  policyFetchFailures: 0,
  policyInvalid: 0,
  reportFailures: 0,
};

/** Refresh periods (seconds) of the running policy clients (backend mode only). */
const policyRefreshes = new Set<() => number>();

let created = false;

/** Adds a sampler to the metrics; returns the function that removes it (at shutdown). */
export function registerSamplerStats(source: SamplerStatsSource): () => void {
  ensureMetrics(sdkRegistry);
  sources.add(source);
  return () => {
    if (!sources.delete(source)) return;
    for (let k = 0; k < 6; k++) {
      retired.seen[k] = (retired.seen[k] as number) + (source.seen[k] as number);
      retired.kept[k] = (retired.kept[k] as number) + (source.kept[k] as number);
    }
    retired.evictions += source.evictions();
    retired.overflow += source.overflow();
    retired.decisionFailures += source.decisionFailures();
    retired.policyFetchFailures += source.policyFetchFailures();
    retired.policyInvalid += source.policyInvalid();
    retired.reportFailures += source.reportFailures();
  };
}

/**
 * Adds a running policy client's refresh period to `sprintlens_log_sampler_policy_refresh_seconds`
 * (what the stale-policy alert compares the policy age with); returns the function that removes
 * it (at shutdown).
 */
export function registerPolicyRefresh(refreshSeconds: () => number): () => void {
  ensureMetrics(sdkRegistry);
  policyRefreshes.add(refreshSeconds);
  return () => {
    policyRefreshes.delete(refreshSeconds);
  };
}

function sum(read: (source: SamplerStatsSource) => number, base: number): number {
  let total = base;
  for (const source of sources) total += read(source);
  return total;
}

function ensureMetrics(registry: Registry): void {
  if (created) return;
  created = true;
  const registers = [registry];

  for (const which of ['seen', 'kept'] as const) {
    new Counter({
      name: `sprintlens_log_sampler_records_${which}_total`,
      help:
        which === 'seen'
          ? 'Log records the sampler decided, by severity.'
          : 'Log records the sampler kept (exported), by severity.',
      labelNames: ['severity'],
      registers,
      collect() {
        this.reset();
        for (let k = 0; k < 6; k++) {
          const value = sum((s) => s[which][k] as number, retired[which][k] as number);
          this.inc({ severity: SEVERITY_NAMES[k] as string }, value);
        }
      },
    });
  }

  const simpleCounters: [string, string, (s: SamplerStatsSource) => number, () => number][] = [
    [
      'sprintlens_log_sampler_pattern_evictions_total',
      'Patterns evicted from the pattern table (least recently used) to keep it at its bound.',
      (s) => s.evictions(),
      () => retired.evictions,
    ],
    [
      'sprintlens_log_sampler_pattern_overflow_total',
      'Log records of new patterns refused a table entry by the cardinality guard.',
      (s) => s.overflow(),
      () => retired.overflow,
    ],
    [
      'sprintlens_log_sampler_decision_failures_total',
      'Log records the sampler failed to decide (kept unsampled).',
      (s) => s.decisionFailures(),
      () => retired.decisionFailures,
    ],
    [
      'sprintlens_log_sampler_report_failures_total',
      'Pattern statistics reports the backend did not accept.',
      (s) => s.reportFailures(),
      () => retired.reportFailures,
    ],
  ];
  for (const [name, help, read, base] of simpleCounters) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(sum(read, base()));
      },
    });
  }

  new Counter({
    name: 'sprintlens_log_sampler_policy_failures_total',
    help: 'Sampling policy fetches that failed (reason=fetch) or were rejected (reason=invalid).',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      this.inc(
        { reason: 'fetch' },
        sum((s) => s.policyFetchFailures(), retired.policyFetchFailures),
      );
      this.inc(
        { reason: 'invalid' },
        sum((s) => s.policyInvalid(), retired.policyInvalid),
      );
    },
  });

  new Gauge({
    name: 'sprintlens_log_sampler_patterns',
    help: 'Patterns in the sampler pattern table.',
    registers,
    collect() {
      this.set(sum((s) => s.patternsTracked(), 0));
    },
  });

  new Gauge({
    name: 'sprintlens_log_sampler_policy_info',
    help: 'The sampling policy in force; always 1, the version is the label (none: local rates).',
    labelNames: ['version'],
    registers,
    collect() {
      this.reset();
      for (const source of sources) this.set({ version: source.policyVersion() ?? 'none' }, 1);
    },
  });

  new Gauge({
    name: 'sprintlens_log_sampler_policy_age_seconds',
    help: 'Seconds since the sampling policy in force was fetched or confirmed by the backend.',
    registers,
    collect() {
      this.reset();
      let oldest: number | undefined;
      for (const source of sources) {
        const age = source.policyAgeSeconds();
        if (age !== undefined && (oldest === undefined || age > oldest)) oldest = age;
      }
      // No sample at all without a policy (local rates, or none fetched yet): a 0 would read
      // as "fresh" and hide a policy that never arrived from the alert rules.
      if (oldest !== undefined) this.set(oldest);
      else this.remove();
    },
  });

  new Gauge({
    name: 'sprintlens_log_sampler_policy_refresh_seconds',
    help:
      'Refresh period of the sampling policy (SPRINTLENS_POLICY_REFRESH_SECONDS); present ' +
      'only while a policy client runs (backend mode).',
    registers,
    collect() {
      this.reset();
      let longest: number | undefined;
      for (const read of policyRefreshes) {
        const value = read();
        if (longest === undefined || value > longest) longest = value;
      }
      if (longest !== undefined) this.set(longest);
      else this.remove();
    },
  });
}
