/**
 * Reference Sprint Lens backend (Backend API v1) for tests, and later for the
 * `sprintlens dev-backend` command.
 *
 * It accepts OTLP/HTTP traces, logs and metrics (protobuf or JSON, gzip or zstd), serves
 * sampling policies with ETags, takes pattern stats reports, records everything it
 * received for assertions, and injects faults from a declarative script.
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
  BackendOptions,
  ConcurrencyStats,
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
export type { PartialSuccess } from './otlp-decode';
export { DEFAULT_POLICY, RawPolicy } from './policy';
export type { PolicyInput } from './policy';
export { createRandom } from '../prng';
