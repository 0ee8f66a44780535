/**
 * Live aggregates of what the backend received: LLM calls by provider and model, logs by
 * severity and pattern, errors, metrics, sampling traffic, requests and injected faults.
 *
 * This is what the CLI prints and what `GET /v1/dev/summary` answers. Memory is bounded
 * whatever the traffic: every grouping has a cap, past which new keys are folded into one
 * `(other)` entry, and latencies go into a fixed-size sketch.
 */
import { SEVERITY_NAMES, severityClassOf } from './backend-api';
import type { SeverityClassName } from './backend-api';
import { CappedMap, OTHER } from './capped-map';
import { ExperimentsSummary } from './experiments';
import type { EvaluationsSnapshot } from './experiments';
import { LatencySketch } from './latency-sketch';
import type { LatencyStats } from './latency-sketch';
import { logRecordsOf, metricDataOf, metricsOf, spansOf } from './otlp-types';
import type { Attributes, AttributeValue, ReceivedLogRecord, ReceivedSpan } from './otlp-types';
import { ROUTE_NAMES } from './types';
import type {
  AnyReceivedExport,
  BackendObserver,
  PolicyChange,
  ReceivedPatternReport,
  ReceivedPolicyRequest,
  RequestRecord,
} from './types';

/**
 * A severity class, as the SDK and the policy name them, or `UNSPECIFIED` for a record
 * without one.
 */
export type SeverityName = SeverityClassName | 'UNSPECIFIED';

/** Severities in the order summaries list them. */
export const SUMMARY_SEVERITIES: readonly SeverityName[] = [...SEVERITY_NAMES, 'UNSPECIFIED'];

/** Routes in the order summaries list them (`unknown`: requests to no route). */
const ROUTE_ORDER = [...ROUTE_NAMES, 'unknown'];

export { OTHER };

/** GenAI operations that are not a model call (their spans are not counted as LLM calls). */
const NOT_MODEL_CALLS: ReadonlySet<string> = new Set([
  'invoke_agent',
  'invoke_workflow',
  'create_agent',
  'execute_tool',
  'retrieval',
]);

/** LLM calls of one provider and model. */
export interface LlmModelSummary {
  provider: string;
  model: string;
  calls: number;
  /** Calls whose span status is ERROR. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of `sprintlens.cost.usd`. */
  costUsd: number;
  /**
   * Calls whose span has no `sprintlens.cost.usd` (a model without a price, a call that failed
   * or ended before reporting usage): `costUsd` leaves them out, so it is a lower bound.
   */
  callsWithoutCost: number;
  /** Span durations. */
  latencyMs: LatencyStats;
}

/** Log records of one severity. */
export interface SeveritySummary {
  /** Records received. */
  received: number;
  /** Estimated records the apps logged: the sum of `sprintlens.sample_rate` (1 when absent). */
  estimated: number;
}

/** Log records of one pattern. */
export interface PatternSummary {
  /** `sprintlens.pattern.id`, or `''` for records without one. */
  id: string;
  /** `log.record.template`, or the start of the body when there is none. */
  template: string;
  /** Severity of the last record received. */
  severity: SeverityName;
  received: number;
  estimated: number;
}

/** Spans with status ERROR sharing an `error.type`. */
export interface ErrorTypeSummary {
  /** `error.type`, or `(unset)`. */
  errorType: string;
  count: number;
  lastSpanName: string;
  /** Status message of the last one (truncated). */
  lastMessage: string;
}

/** Requests to one route. */
export interface RouteSummary {
  requests: number;
  /** Body bytes as received on the wire. */
  bytes: number;
  /** Count by status code, or by outcome (`reset-mid-request`, `aborted`, …) without one. */
  statuses: Record<string, number>;
}

/** The policy a service is served, when computed from its pattern reports. */
export interface ServicePolicySummary {
  service: string;
  version: string;
  /** Number of pattern rates. */
  patternRates: number;
  /** The lowest pattern rate, if any. */
  lowestRate: number | undefined;
}

/**
 * Everything {@link DevSummary} aggregates; the body of `GET /v1/dev/summary`. Evaluation
 * events (`gen_ai.evaluation.result`) are counted under `evaluations` and `experiments`, not
 * as logs.
 */
export interface DevSummarySnapshot extends EvaluationsSnapshot {
  startedAt: string;
  generatedAt: string;
  uptimeSeconds: number;
  requests: {
    total: number;
    /** Requests answered 4xx/5xx or never answered (reset, aborted). */
    failed: number;
    byRoute: Record<string, RouteSummary>;
    /** Requests decided by an injected fault, by fault kind. */
    faults: Record<string, number>;
  };
  spans: { total: number; errors: number };
  llm: {
    calls: number;
    errors: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    callsWithoutCost: number;
    /** By calls, most first. */
    models: LlmModelSummary[];
  };
  logs: {
    total: number;
    estimatedTotal: number;
    bySeverity: Record<SeverityName, SeveritySummary>;
    distinctPatterns: number;
    /** The busiest patterns by estimated count, at most `topPatterns`. */
    patterns: PatternSummary[];
  };
  errors: {
    /** Spans with status ERROR by `error.type` (their number is `spans.errors`), most first. */
    types: ErrorTypeSummary[];
  };
  metrics: {
    dataPoints: number;
    /** Data points by metric name, most first. */
    byName: { name: string; dataPoints: number }[];
  };
  sampling: {
    patternReports: number;
    policyRequests: number;
    /** Services whose policy was computed from their reports. */
    policies: ServicePolicySummary[];
  };
}

/** Caps of the groupings (keys past a cap are counted under {@link OTHER}). */
export interface SummaryLimits {
  models: number;
  patterns: number;
  errorTypes: number;
  metricNames: number;
  services: number;
  /** Patterns listed in a snapshot. */
  topPatterns: number;
  /** Experiment runs, and evaluation names (overall and per run). */
  experimentRuns: number;
  evaluationNames: number;
}

const DEFAULT_LIMITS: SummaryLimits = {
  models: 500,
  patterns: 10_000,
  errorTypes: 1_000,
  metricNames: 1_000,
  services: 1_000,
  topPatterns: 50,
  experimentRuns: 200,
  evaluationNames: 200,
};

/** Longest template or message kept in a summary. */
const MAX_TEXT = 120;

function text(value: string): string {
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
}

function str(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: AttributeValue): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** Span duration in ms from nanosecond timestamps (decimal strings). */
function durationMs(span: ReceivedSpan): number | undefined {
  try {
    const nanos = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
    return nanos < 0n ? undefined : Number(nanos) / 1e6;
  } catch {
    return undefined;
  }
}

/** The severity class of a log record, from its number (1..24), else its text. */
export function severityOf(record: { severityNumber: number; severityText: string }): SeverityName {
  const { severityNumber } = record;
  if (severityNumber >= 1 && severityNumber <= 24) {
    return severityClassOf(severityNumber);
  }
  const upper = record.severityText.trim().toUpperCase();
  if (upper === 'WARNING') return 'WARN';
  if (upper === 'CRITICAL') return 'FATAL';
  return (SEVERITY_NAMES as readonly string[]).includes(upper)
    ? (upper as SeverityName)
    : 'UNSPECIFIED';
}

/** The weight of a received record: its `sprintlens.sample_rate`, or 1. */
function sampleRate(attributes: Attributes): number {
  const rate = num(attributes['sprintlens.sample_rate']);
  return rate !== undefined && rate > 0 ? rate : 1;
}

/** A model's running totals: its summary, with the sketch its latency stats come from. */
type ModelEntry = Omit<LlmModelSummary, 'latencyMs'> & { latency: LatencySketch };

function emptySeverities(): Record<SeverityName, SeveritySummary> {
  const result = {} as Record<SeverityName, SeveritySummary>;
  for (const name of SUMMARY_SEVERITIES) {
    result[name] = { received: 0, estimated: 0 };
  }
  return result;
}

/** Aggregates what the backend receives (a {@link BackendObserver}). */
export class DevSummary implements BackendObserver {
  private readonly limits: SummaryLimits;
  private readonly now: () => number;
  private readonly startedAt: number;
  /** By route name; the names are few and fixed (plus `unknown`). */
  private readonly routes = new Map<string, RouteSummary>();
  private readonly faults = new Map<string, number>();
  private requests = 0;
  private failedRequests = 0;
  private spans = 0;
  private errorSpans = 0;
  private readonly models: CappedMap<ModelEntry>;
  private readonly severities = emptySeverities();
  private readonly patterns: CappedMap<PatternSummary>;
  private readonly errorTypes: CappedMap<ErrorTypeSummary>;
  private dataPoints = 0;
  private readonly metricNames: CappedMap<{ name: string; dataPoints: number }>;
  private patternReports = 0;
  private policyRequests = 0;
  private readonly policies: CappedMap<ServicePolicySummary>;
  private readonly experiments: ExperimentsSummary;

  constructor(options: { limits?: Partial<SummaryLimits>; now?: () => number } = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.models = new CappedMap(this.limits.models, (key) => ({
      // Named when first used (below); the folded entry keeps OTHER.
      provider: key === OTHER ? OTHER : '',
      model: key === OTHER ? OTHER : '',
      calls: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      callsWithoutCost: 0,
      latency: new LatencySketch(),
    }));
    this.patterns = new CappedMap(this.limits.patterns, (key) => ({
      id: key === OTHER ? OTHER : '',
      template: key === OTHER ? OTHER : '',
      severity: 'UNSPECIFIED',
      received: 0,
      estimated: 0,
    }));
    this.errorTypes = new CappedMap(this.limits.errorTypes, (errorType) => ({
      errorType,
      count: 0,
      lastSpanName: '',
      lastMessage: '',
    }));
    this.metricNames = new CappedMap(this.limits.metricNames, (name) => ({ name, dataPoints: 0 }));
    this.experiments = new ExperimentsSummary(this.limits, text);
    this.policies = new CappedMap(this.limits.services, (service) => ({
      service,
      version: '',
      patternRates: 0,
      lowestRate: undefined,
    }));
  }

  exportReceived(received: AnyReceivedExport): void {
    switch (received.signal) {
      case 'traces':
        for (const span of spansOf(received.body)) this.addSpan(span);
        return;
      case 'logs':
        for (const record of logRecordsOf(received.body)) this.addLogRecord(record);
        return;
      case 'metrics':
        for (const { metric } of metricsOf(received.body)) this.addMetric(metric);
        return;
    }
  }

  /** Counts one span: LLM call, error, or just a span. */
  addSpan(span: ReceivedSpan): void {
    this.spans += 1;
    if (ExperimentsSummary.isItemSpan(span)) this.experiments.addItemSpan(span);
    const failed = span.status.code === 2;
    const { attributes } = span;
    if (failed) {
      this.errorSpans += 1;
      const entry = this.errorTypes.entry(text(str(attributes, 'error.type') ?? '(unset)'));
      entry.count += 1;
      entry.lastSpanName = text(span.name);
      entry.lastMessage = text(span.status.message);
    }
    const requested =
      str(attributes, 'gen_ai.request.model') ?? str(attributes, 'gen_ai.response.model');
    if (requested === undefined) return;
    // Agent, workflow, tool and retrieval spans may name the model they use: not LLM calls.
    const operation = str(attributes, 'gen_ai.operation.name');
    if (operation !== undefined && NOT_MODEL_CALLS.has(operation)) return;
    const model = text(requested);
    const provider = text(
      str(attributes, 'gen_ai.provider.name') ?? str(attributes, 'gen_ai.system') ?? 'unknown',
    );
    const entry = this.models.entry(JSON.stringify([provider, model]));
    if (entry.calls === 0 && entry.provider === '') {
      entry.provider = provider;
      entry.model = model;
    }
    entry.calls += 1;
    if (failed) entry.errors += 1;
    entry.inputTokens += num(attributes['gen_ai.usage.input_tokens']) ?? 0;
    entry.outputTokens += num(attributes['gen_ai.usage.output_tokens']) ?? 0;
    const cost = num(attributes['sprintlens.cost.usd']);
    if (cost === undefined) entry.callsWithoutCost += 1;
    else entry.costUsd += cost;
    const duration = durationMs(span);
    if (duration !== undefined) entry.latency.add(duration);
  }

  /** Counts one log record by severity and pattern, or an evaluation event as such. */
  addLogRecord(record: ReceivedLogRecord): void {
    if (ExperimentsSummary.isEvaluation(record)) {
      this.experiments.addEvaluation(record);
      return;
    }
    const severity = severityOf(record);
    const weight = sampleRate(record.attributes);
    const bucket = this.severities[severity];
    bucket.received += 1;
    bucket.estimated += weight;
    // Keys are cut like the texts shown: a hostile attribute cannot make them large.
    const rawId = str(record.attributes, 'sprintlens.pattern.id');
    const id = rawId === undefined ? undefined : text(rawId);
    const rawTemplate = str(record.attributes, 'log.record.template');
    const template = rawTemplate === undefined ? undefined : text(rawTemplate);
    const key = id ?? (template === undefined ? '' : `template:${template}`);
    const entry = this.patterns.entry(key);
    if (entry.id !== OTHER) {
      entry.id = id ?? '';
      if (entry.template === '') {
        const body = typeof record.body === 'string' ? record.body : '';
        entry.template = text(template ?? (key === '' ? '(no pattern)' : body));
      }
    }
    entry.severity = severity;
    entry.received += 1;
    entry.estimated += weight;
  }

  /** Counts the data points of one metric (normalized generic shape). */
  addMetric(metric: Record<string, unknown>): void {
    const name = typeof metric.name === 'string' ? metric.name : '';
    let points = 0;
    for (const { dataPoints } of metricDataOf(metric)) points += dataPoints.length;
    this.dataPoints += points;
    this.metricNames.entry(text(name)).dataPoints += points;
  }

  patternReportReceived(_received: ReceivedPatternReport): void {
    this.patternReports += 1;
  }

  policyServed(_received: ReceivedPolicyRequest): void {
    this.policyRequests += 1;
  }

  policyChanged(change: PolicyChange): void {
    const entry = this.policies.entry(text(change.service));
    if (entry.service === OTHER) return;
    const rates = Object.values(change.policy.patternRates);
    entry.version = change.policy.version;
    entry.patternRates = rates.length;
    entry.lowestRate = rates.length === 0 ? undefined : Math.min(...rates);
  }

  requestEnded(record: RequestRecord): void {
    this.requests += 1;
    const name = record.route ?? 'unknown';
    let route = this.routes.get(name);
    if (route === undefined) {
      route = { requests: 0, bytes: 0, statuses: {} };
      this.routes.set(name, route);
    }
    route.requests += 1;
    route.bytes += record.wireBytes;
    const key = record.status === undefined ? record.outcome : String(record.status);
    route.statuses[key] = (route.statuses[key] ?? 0) + 1;
    const answered = record.outcome === 'answered' && record.status !== undefined;
    if (!answered || (record.status as number) >= 400) this.failedRequests += 1;
    if (record.fault !== undefined) {
      this.faults.set(record.fault, (this.faults.get(record.fault) ?? 0) + 1);
    }
  }

  /** The aggregates now. */
  snapshot(): DevSummarySnapshot {
    const now = this.now();
    const models = this.models
      .values()
      .sort((a, b) => b.calls - a.calls)
      .map(({ latency, ...rest }) => ({ ...rest, latencyMs: latency.stats() }));
    const total = (
      key: 'calls' | 'errors' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'callsWithoutCost',
    ) => models.reduce((sum, model) => sum + model[key], 0);
    const severities = Object.values(this.severities);
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      generatedAt: new Date(now).toISOString(),
      uptimeSeconds: Math.max(0, Math.round((now - this.startedAt) / 1000)),
      requests: {
        total: this.requests,
        failed: this.failedRequests,
        byRoute: Object.fromEntries(
          ROUTE_ORDER.flatMap((name) => {
            const route = this.routes.get(name);
            return route ? [[name, { ...route, statuses: { ...route.statuses } }]] : [];
          }),
        ),
        faults: Object.fromEntries(this.faults),
      },
      spans: { total: this.spans, errors: this.errorSpans },
      llm: {
        calls: total('calls'),
        errors: total('errors'),
        inputTokens: total('inputTokens'),
        outputTokens: total('outputTokens'),
        costUsd: total('costUsd'),
        callsWithoutCost: total('callsWithoutCost'),
        models,
      },
      logs: {
        total: severities.reduce((sum, severity) => sum + severity.received, 0),
        estimatedTotal: severities.reduce((sum, severity) => sum + severity.estimated, 0),
        bySeverity: Object.fromEntries(
          Object.entries(this.severities).map(([name, value]) => [name, { ...value }]),
        ) as Record<SeverityName, SeveritySummary>,
        distinctPatterns: this.patterns.size,
        patterns: this.patterns
          .values()
          .sort((a, b) => b.estimated - a.estimated || b.received - a.received)
          .slice(0, this.limits.topPatterns)
          .map((pattern) => ({ ...pattern })),
      },
      errors: {
        types: this.errorTypes.copies((a, b) => b.count - a.count),
      },
      metrics: {
        dataPoints: this.dataPoints,
        byName: this.metricNames.copies((a, b) => b.dataPoints - a.dataPoints),
      },
      sampling: {
        patternReports: this.patternReports,
        policyRequests: this.policyRequests,
        policies: this.policies.copies(),
      },
      ...this.experiments.snapshot(),
    };
  }
}
