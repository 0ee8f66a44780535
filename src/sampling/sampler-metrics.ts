import { selfMetrics } from '../base/self-metrics';
import type { MetricSpec, MetricsSource } from '../base/self-metrics';
import type { PatternReporter } from './pattern-reporter';
import type { PatternSampler } from './pattern-sampler';
import type { PolicyClient } from './policy-client';
import { SEVERITY_NAMES } from './severity';

/**
 * The log sampler's metrics, through the self-metrics mechanism (`src/base/self-metrics.ts`):
 * the hot path only bumps plain numbers on the sampler; a running sampling adds a source that
 * reads them at scrape time, and removes it at shutdown (its counters stay in the totals). No
 * metric has a pattern id (or anything from a log line) as a label.
 */

const SAMPLER_SPECS: readonly MetricSpec[] = [
  {
    name: 'sprintlens_log_sampler_records_seen_total',
    help: 'Log records the sampler decided, by severity.',
    type: 'counter',
  },
  {
    name: 'sprintlens_log_sampler_records_kept_total',
    help: 'Log records the sampler kept (exported), by severity.',
    type: 'counter',
  },
  {
    name: 'sprintlens_log_sampler_pattern_evictions_total',
    help: 'Patterns evicted from the pattern table (least recently used) to keep it at its bound.',
    type: 'counter',
  },
  {
    name: 'sprintlens_log_sampler_pattern_overflow_total',
    help: 'Log records of new patterns refused a table entry by the cardinality guard.',
    type: 'counter',
  },
  {
    name: 'sprintlens_log_sampler_decision_failures_total',
    help: 'Log records the sampler failed to decide (kept unsampled).',
    type: 'counter',
  },
  {
    name: 'sprintlens_log_sampler_report_failures_total',
    help: 'Pattern statistics reports the backend did not accept.',
    type: 'counter',
  },
  {
    name: 'sprintlens_log_sampler_policy_failures_total',
    help: 'Sampling policy fetches that failed (reason=fetch) or were rejected (reason=invalid).',
    type: 'counter',
  },
  {
    name: 'sprintlens_log_sampler_patterns',
    help: 'Patterns in the sampler pattern table.',
    type: 'gauge',
  },
  {
    name: 'sprintlens_log_sampler_policy_info',
    help: 'The sampling policy in force; always 1, the version is the label (none: local rates).',
    type: 'gauge',
    aggregate: 'max',
  },
  {
    name: 'sprintlens_log_sampler_policy_age_seconds',
    help: 'Seconds since the sampling policy in force was fetched or confirmed by the backend.',
    type: 'gauge',
    aggregate: 'max',
  },
];

/** The parts of a running log sampling the metrics read. */
export interface SamplingMetricsParts {
  readonly sampler: PatternSampler;
  readonly policyClient: PolicyClient | undefined;
  readonly reporter: PatternReporter | undefined;
  /** Clock in ms (the policy age). */
  readonly now: () => number;
}

/** The metrics source of one running log sampling. */
export function samplingMetricsSource(parts: SamplingMetricsParts): MetricsSource {
  const { sampler, policyClient, reporter, now } = parts;
  return {
    specs: SAMPLER_SPECS,
    collect(out) {
      for (let k = 0; k < SEVERITY_NAMES.length; k++) {
        const labels = { severity: SEVERITY_NAMES[k] as string };
        out.add('sprintlens_log_sampler_records_seen_total', sampler.seen[k] as number, labels);
        out.add('sprintlens_log_sampler_records_kept_total', sampler.kept[k] as number, labels);
      }
      out.add('sprintlens_log_sampler_pattern_evictions_total', sampler.table.evictions);
      out.add('sprintlens_log_sampler_pattern_overflow_total', sampler.overflow);
      out.add('sprintlens_log_sampler_decision_failures_total', sampler.failures);
      out.add('sprintlens_log_sampler_report_failures_total', reporter?.failures ?? 0);
      out.add('sprintlens_log_sampler_policy_failures_total', policyClient?.fetchFailures ?? 0, {
        reason: 'fetch',
      });
      out.add('sprintlens_log_sampler_policy_failures_total', policyClient?.invalid ?? 0, {
        reason: 'invalid',
      });
      out.add('sprintlens_log_sampler_patterns', sampler.table.size);
      out.add('sprintlens_log_sampler_policy_info', 1, {
        version: sampler.policy?.version ?? 'none',
      });
      // No sample without a policy (local rates, or none fetched yet): a 0 would read as
      // "fresh" and hide a policy that never arrived from the alert rules.
      const confirmedAt = policyClient?.confirmedAt;
      if (confirmedAt !== undefined) {
        out.add('sprintlens_log_sampler_policy_age_seconds', (now() - confirmedAt) / 1000);
      }
    },
  };
}

const REFRESH_SPECS: readonly MetricSpec[] = [
  {
    name: 'sprintlens_log_sampler_policy_refresh_seconds',
    help:
      'Refresh period of the sampling policy (SPRINTLENS_POLICY_REFRESH_SECONDS); present ' +
      'only while a policy client runs (backend mode).',
    type: 'gauge',
    aggregate: 'max',
  },
];

/**
 * Adds a running policy client's refresh period to `sprintlens_log_sampler_policy_refresh_seconds`
 * (what the stale-policy alert compares the policy age with); returns the function that removes
 * it (at shutdown).
 */
export function registerPolicyRefresh(refreshSeconds: () => number): () => void {
  return selfMetrics().add({
    specs: REFRESH_SPECS,
    collect(out) {
      out.add('sprintlens_log_sampler_policy_refresh_seconds', refreshSeconds());
    },
  });
}
