/**
 * The Sprint Lens dev backend: a local implementation of Backend API v1, run by
 * `sprintlens dev-backend` and used by this project's tests.
 *
 * It accepts OTLP/HTTP traces, logs and metrics (protobuf or JSON, gzip or zstd), serves
 * sampling policies with ETags (computed from pattern reports when a budget is set),
 * takes pattern stats reports, aggregates a summary (`GET /v1/dev/summary`), and injects
 * faults from a declarative script. By default it also keeps everything it received for
 * assertions; the CLI turns that off and streams to a file instead.
 *
 * Only Node's standard library and the package's bottom layer (`src/base/`) are used, so it
 * runs from an install that has no devDependencies. It sits beside the runtime: only the CLI
 * (`src/cli/main.ts`) loads it, when its command runs.
 *
 * @example
 * ```ts
 * const backend = await startBackend({ apiKey: 'k', faults: { statusSequence: { statuses: [503] } } });
 * // point an exporter at `${backend.url}/v1/traces`, export, then:
 * await backend.waitFor(() => backend.spans.length === 1);
 * expect(backend.requestsTo('traces').map((r) => r.status)).toEqual([503, 200]);
 * await backend.close();
 * ```
 */
import { SprintLensBackend } from './backend';
import type { Backend, BackendOptions } from './types';

/**
 * Starts a backend on 127.0.0.1 (an ephemeral port unless `options.port` is set).
 *
 * @returns the running backend; call `close()` when done.
 */
export function startBackend(options: BackendOptions = {}): Promise<Backend> {
  return SprintLensBackend.start(options);
}

export type {
  AnyReceivedExport,
  Backend,
  BackendObserver,
  BackendOptions,
  ConcurrencyStats,
  PolicyChange,
  ReceivedExport,
  ReceivedPatternReport,
  ReceivedPolicyRequest,
  RequestOutcome,
  RequestRecord,
  RouteName,
  WaitForOptions,
} from './types';
export type {
  BodyLimitFault,
  FaultKind,
  FaultRoutes,
  FaultScript,
  LatencyFault,
  OutageFault,
  PartialSuccessFault,
  RandomFailureFault,
  ResetMidRequestFault,
  ResetMidResponseFault,
  StatusSequenceFault,
} from './faults';
export type * from './otlp-types';
export type { PatternReport, PatternStat } from './patterns';
export type { OtlpFormat, PartialSuccess } from './otlp-decode';
export { DEFAULT_POLICY, RawPolicy } from './policy';
export type { PolicyInput } from './policy';
export type { PolicyDocument } from './pattern-policy';
export type {
  DevSummarySnapshot,
  ErrorTypeSummary,
  LlmModelSummary,
  PatternSummary,
  RouteSummary,
  ServicePolicySummary,
  SeverityName,
  SeveritySummary,
} from './summary';
export type { EvaluationScores, EvaluationsSnapshot, ExperimentRunSummary } from './experiments';
export type { LatencyStats } from './latency-sketch';
export { DEV_SUMMARY_PATH } from './server';
export { createRandom } from './prng';
export type { Random } from './prng';
export { runDevBackend } from './cli';
export type { DevBackendRunOptions } from './cli';
