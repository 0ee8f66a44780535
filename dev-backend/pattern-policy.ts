/**
 * Sampling policies computed from pattern reports (`--budget-per-minute`).
 *
 * Each report gives, per pattern, how many lines the service logged over a window. A
 * pattern logged faster than the budget gets the rate that brings it down to the budget:
 * `budget / perMinute`, so about `budget` of its lines are kept a minute — unless its
 * severity's rate already keeps fewer (a pattern rate replaces the severity rate). Patterns at or
 * under the budget get no pattern rate (their severity rate applies), and ERROR/FATAL
 * patterns never get one: those lines are always kept.
 *
 * Each pattern keeps the rate of the latest report that names it; a report that leaves a
 * pattern out does not change it (reports are capped to the busiest patterns). A policy's
 * `version` (and so its ETag) changes only when its content does; rates are rounded down
 * to 3 significant digits so that small wobbles of a steady rate do not make every report
 * a new policy, and rounding down keeps the pattern under its budget.
 */
import { MAX_POLICY_PATTERNS, PATTERN_ID } from './backend-api';
import { DEFAULT_POLICY } from './policy';
import type { PolicyInput } from './policy';
import type { PatternReport } from './patterns';
import type { BackendObserver, PolicyChange, ReceivedPatternReport } from './types';

/** A policy document in the Backend API v1 shape, as the backend serves it. */
export interface PolicyDocument {
  version: string;
  ttlSeconds?: number;
  defaultRate: number;
  severityRates: Record<string, number>;
  /** Rate by pattern id. */
  patternRates: Record<string, number>;
}

/** Most services a backend computes policies for; others get the default policy. */
export const MAX_SERVICES = 1_000;
/**
 * Shortest window a rate is computed over. The report sent at shutdown can cover a few
 * milliseconds; dividing by that would turn a handful of lines into a huge rate.
 */
export const MIN_WINDOW_MS = 1_000;

/**
 * Lines a minute of a pattern over a report window.
 *
 * @returns the rate, or `undefined` when the window is unusable (end before start).
 */
export function perMinuteRate(options: {
  count: number;
  windowStart: string;
  windowEnd: string;
}): number | undefined {
  const windowMs = Date.parse(options.windowEnd) - Date.parse(options.windowStart);
  if (!Number.isFinite(windowMs) || windowMs < 0) return undefined;
  return (options.count * 60_000) / Math.max(windowMs, MIN_WINDOW_MS);
}

/** Whether a severity is one whose lines are always kept (ERROR, FATAL and their 2..4). */
export function isAlwaysKept(severity: string | undefined): boolean {
  return typeof severity === 'string' && /^(ERROR|FATAL)\d?$/i.test(severity.trim());
}

/** Rounds a rate in (0, 1] down to 3 significant digits, never to 0. */
export function roundRateDown(rate: number): number {
  if (rate >= 1) return 1;
  const factor = 10 ** (2 - Math.floor(Math.log10(rate)));
  // The tiny bump keeps 0.5 from becoming 0.499 through binary rounding.
  const rounded = Math.floor(rate * factor * (1 + 1e-12)) / factor;
  return rounded > 0 ? rounded : rate;
}

/**
 * The pattern rate for a pattern logged `perMinute` lines a minute.
 *
 * @returns `budget / perMinute` rounded down (within (0, 1)), or `undefined` when the
 *   pattern is within its budget and needs no rate of its own.
 */
export function budgetRate(perMinute: number, budgetPerMinute: number): number | undefined {
  if (!(perMinute > budgetPerMinute)) return undefined;
  return roundRateDown(budgetPerMinute / perMinute);
}

/** What a computed policy shares with the base policy. */
type BaseFields = Omit<PolicyDocument, 'version' | 'patternRates'>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields computed policies take from the base policy; parts of the base that are not
 * valid (tests may serve broken policies) fall back to `DEFAULT_POLICY`.
 */
export function baseFields(base: PolicyInput, ttlSeconds: number | undefined): BaseFields {
  const source = isRecord(base) ? base : {};
  const defaultRate =
    typeof source.defaultRate === 'number' ? source.defaultRate : DEFAULT_POLICY.defaultRate;
  const severityRates: Record<string, number> = {};
  const severities = isRecord(source.severityRates)
    ? source.severityRates
    : DEFAULT_POLICY.severityRates;
  for (const [severity, rate] of Object.entries(severities)) {
    if (typeof rate === 'number') severityRates[severity] = rate;
  }
  const ttl = ttlSeconds ?? (typeof source.ttlSeconds === 'number' ? source.ttlSeconds : undefined);
  return { ...(ttl === undefined ? {} : { ttlSeconds: ttl }), defaultRate, severityRates };
}

/** State of one service. */
interface ServiceState {
  rates: Map<string, number>;
  changes: number;
  /** The pattern rates last published, serialized (to tell a real change). */
  published: string;
}

/** Options of {@link BudgetPolicies}. */
export interface BudgetPoliciesOptions {
  budgetPerMinute: number;
  /** The policy computed ones are based on (severity rates, default rate, ttl). */
  base: PolicyInput;
  /** Overrides the base's `ttlSeconds`. */
  ttlSeconds?: number;
  /** Called with each policy that changed, to serve it. */
  apply: (change: PolicyChange) => void;
}

/** Computes and publishes per-service policies from pattern reports. */
export class BudgetPolicies implements BackendObserver {
  private readonly services = new Map<string, ServiceState>();
  private readonly base: BaseFields;

  constructor(private readonly options: BudgetPoliciesOptions) {
    this.base = baseFields(options.base, options.ttlSeconds);
  }

  /** {@link BackendObserver}: updates the service's policy from an accepted report. */
  patternReportReceived(received: ReceivedPatternReport): void {
    const change = this.update(received.report);
    if (change) this.options.apply(change);
  }

  /**
   * Folds a report into its service's pattern rates.
   *
   * @returns the new policy when it changed, else `undefined`.
   */
  update(report: PatternReport): PolicyChange | undefined {
    let state = this.services.get(report.service);
    if (state === undefined) {
      if (this.services.size >= MAX_SERVICES) return undefined;
      state = { rates: new Map(), changes: 0, published: '{}' };
      this.services.set(report.service, state);
    }
    for (const pattern of report.patterns) {
      if (!PATTERN_ID.test(pattern.id)) continue;
      const perMinute = perMinuteRate({
        count: pattern.count,
        windowStart: report.windowStart,
        windowEnd: report.windowEnd,
      });
      if (perMinute === undefined) continue;
      let rate = isAlwaysKept(pattern.severity)
        ? undefined
        : budgetRate(perMinute, this.options.budgetPerMinute);
      // A pattern rate replaces the severity's rate in the SDK: one that keeps more than the
      // severity rate already does would raise the volume, so the severity rate stays.
      const severityRate = this.base.severityRates[pattern.severity?.toUpperCase() ?? ''];
      if (rate !== undefined && severityRate !== undefined && severityRate <= rate) {
        rate = undefined;
      }
      if (rate === undefined) state.rates.delete(pattern.id);
      else state.rates.set(pattern.id, rate);
    }
    // The SDK rejects a whole policy with more pattern rates (or with a key that is not a
    // pattern id, skipped above).
    if (state.rates.size > MAX_POLICY_PATTERNS) {
      // Keep the strongest reductions: they matter most for volume.
      const kept = [...state.rates].sort((a, b) => a[1] - b[1]).slice(0, MAX_POLICY_PATTERNS);
      state.rates = new Map(kept);
    }
    const patternRates = Object.fromEntries(
      [...state.rates].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    );
    const serialized = JSON.stringify(patternRates);
    if (serialized === state.published) return undefined;
    state.published = serialized;
    state.changes += 1;
    const policy = { version: `patterns-${state.changes}`, ...this.base, patternRates };
    return { service: report.service, policy };
  }
}
