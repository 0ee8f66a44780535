/**
 * Public types of the Sprint Lens dev backend.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKind, FaultScript } from './faults';
import type { PartialSuccess } from './otlp-decode';
import type { PolicyDocument } from './pattern-policy';
import type { DevSummarySnapshot } from './summary';
import type {
  OtlpRequestBySignal,
  OtlpSignal,
  ReceivedLogRecord,
  ReceivedSpan,
} from './otlp-types';
import type { PatternReport } from './patterns';
import type { PolicyInput } from './policy';

/**
 * The routes of Backend API v1, as named in fault scripts and records, in the order
 * summaries list them. The dev-only `GET /v1/dev/summary` is not one of them: it is never
 * faulted or recorded.
 */
export const ROUTE_NAMES = ['traces', 'logs', 'metrics', 'policy', 'patterns'] as const;

/** One of {@link ROUTE_NAMES}. */
export type RouteName = (typeof ROUTE_NAMES)[number];

/** How a request ended. */
export type RequestOutcome =
  /** Still being handled. */
  | 'pending'
  /** A complete answer was sent (see `status`). */
  | 'answered'
  /** The backend reset the connection while reading the body (fault). */
  | 'reset-mid-request'
  /** The backend sent part of the answer, then destroyed the connection (fault). */
  | 'reset-mid-response'
  /** The client went away before the answer was complete. */
  | 'aborted';

/** One HTTP request as the backend saw it; updated in place until it ends. */
export interface RequestRecord {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The API route, or `undefined` for an unknown path. */
  route: RouteName | undefined;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  userAgent: string | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Body size as received on the wire (compressed size when compressed). */
  wireBytes: number;
  /** Status sent, once decided; `undefined` if the connection was reset before one. */
  status: number | undefined;
  outcome: RequestOutcome;
  /** The fault that decided the outcome, if one did. */
  fault: FaultKind | undefined;
  /** Delay added by the `latency` fault, in ms (0 when none). */
  injectedLatencyMs: number;
  /** Why an error status was answered (for test failure messages). */
  error: string | undefined;
  /** `Date.now()` at arrival. */
  startedAt: number;
  /** Time from arrival to the end of the exchange, once ended. */
  durationMs: number | undefined;
}

/** An accepted OTLP export request, decoded. */
export interface ReceivedExport<S extends OtlpSignal = OtlpSignal> {
  signal: S;
  request: RequestRecord;
  /** The normalized request body. */
  body: OtlpRequestBySignal[S];
  /** The `partialSuccess` answered, if a fault injected one. */
  partialSuccess: PartialSuccess | undefined;
}

/** {@link ReceivedExport} of any one signal, discriminated by `signal`. */
export type AnyReceivedExport = { [S in OtlpSignal]: ReceivedExport<S> }[OtlpSignal];

/** An accepted pattern stats report. */
export interface ReceivedPatternReport {
  request: RequestRecord;
  report: PatternReport;
}

/** A policy request that reached the policy handler. */
export interface ReceivedPolicyRequest {
  request: RequestRecord;
  /** `service.name` query parameter. */
  service: string;
  ifNoneMatch: string | undefined;
  /** ETag of the policy served (or confirmed by the 304). */
  etag: string;
  /** 200 or 304. */
  status: number;
}

/** Current and highest number of requests being handled at the same time. */
export interface ConcurrencyStats {
  current: number;
  max: number;
}

/** A computed sampling policy that changed (see `budgetPerMinute`). */
export interface PolicyChange {
  /** The `service.name` it applies to. */
  service: string;
  /** The policy now served to that service. */
  policy: PolicyDocument;
}

/**
 * Watches what the backend receives, e.g. to aggregate a summary or write a data file.
 * Called synchronously as things happen; an observer that throws is ignored, so it cannot
 * break the backend. Observers see everything whether or not the backend retains it.
 */
export interface BackendObserver {
  /** An OTLP export was accepted (decoded, about to be answered 200). */
  exportReceived?(received: AnyReceivedExport): void;
  /** A pattern stats report was accepted. */
  patternReportReceived?(received: ReceivedPatternReport): void;
  /** A policy request was answered 200 or 304. */
  policyServed?(received: ReceivedPolicyRequest): void;
  /** A policy computed from pattern reports changed. */
  policyChanged?(change: PolicyChange): void;
  /** A request ended (answered, reset or aborted); its record is complete. */
  requestEnded?(record: RequestRecord): void;
}

/** Options of `startBackend`. */
export interface BackendOptions {
  /**
   * Port to listen on. Default 0: an ephemeral port (read it from `backend.url`).
   */
  port?: number;
  /** Address to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** When set, every request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Status for a missing or wrong key. Default 401. */
  authFailureStatus?: 401 | 403;
  /** Policy served to services without their own. Default `DEFAULT_POLICY`. */
  policy?: PolicyInput;
  /** Policies of particular services, by `service.name`. */
  policies?: Record<string, PolicyInput>;
  /**
   * When set, each service's policy is computed from its pattern reports: a pattern
   * logged faster than this many lines a minute gets the rate that brings it down to the
   * budget (see `pattern-policy.ts`). Default: unset (policies are only what is set).
   */
  budgetPerMinute?: number;
  /** `ttlSeconds` of the policies computed from pattern reports. Default: the base policy's. */
  policyTtlSeconds?: number;
  /** Faults in force from the start. */
  faults?: FaultScript;
  /** Seed of the PRNGs used by faults (random failures, latency ranges). Default 1. */
  seed?: number;
  /**
   * Keep everything received in the lists of {@link Backend} (for test assertions).
   * Default true. The CLI sets false, so memory stays bounded however long it runs;
   * observers and the summary see everything either way.
   */
  retain?: boolean;
  /** Largest request body accepted on the wire; larger ones get 413. Default 32 MiB. */
  maxRequestBytes?: number;
  /** Largest decompressed body accepted; larger ones get 413. Default 64 MiB. */
  maxDecompressedBytes?: number;
  /** Watch what is received (see {@link BackendObserver}). */
  observers?: readonly BackendObserver[];
}

/** Options of {@link Backend.waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * A running backend. Stores are live arrays, appended to as requests arrive (when
 * `retain` is on, the default).
 */
export interface Backend {
  /**
   * Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). For a wildcard host
   * (`0.0.0.0`, `::`) it names the loopback address, which reaches it too.
   */
  readonly url: string;
  readonly port: number;
  /** The address listened on. */
  readonly host: string;
  /** Every request, in arrival order, including faulted and rejected ones. */
  readonly requests: readonly RequestRecord[];
  /** Accepted `POST /v1/traces` requests. */
  readonly traceRequests: readonly ReceivedExport<'traces'>[];
  /** Accepted `POST /v1/logs` requests. */
  readonly logRequests: readonly ReceivedExport<'logs'>[];
  /** Accepted `POST /v1/metrics` requests. */
  readonly metricRequests: readonly ReceivedExport<'metrics'>[];
  /** Every span of every accepted trace request (duplicates included). */
  readonly spans: readonly ReceivedSpan[];
  /** Every log record of every accepted logs request (duplicates included). */
  readonly logRecords: readonly ReceivedLogRecord[];
  /** The `gen_ai.evaluation.result` events among {@link logRecords}. */
  readonly evaluations: readonly ReceivedLogRecord[];
  /** The experiment item spans among {@link spans}. */
  readonly experimentItems: readonly ReceivedSpan[];
  /** Accepted pattern stats reports. */
  readonly patternReports: readonly ReceivedPatternReport[];
  /** Policy requests answered 200 or 304. */
  readonly policyRequests: readonly ReceivedPolicyRequest[];
  /** In-flight request counts. */
  readonly concurrency: Readonly<ConcurrencyStats>;
  /** Requests to one route, in arrival order. */
  requestsTo(route: RouteName): RequestRecord[];
  /**
   * Replaces the fault script (counters and PRNGs restart; an outage in progress ends).
   * Resolves once the script is in force, e.g. once the socket is closed for an
   * immediate `'refuse'` outage.
   */
  setFaults(script: FaultScript): Promise<void>;
  /** Replaces the default policy, or a service's policy when `service` is given. */
  setPolicy(policy: PolicyInput, options?: { service?: string }): void;
  /** Drops a service's own policy so it gets the default again. */
  removePolicy(options: { service: string }): void;
  /** Resolves when no outage is scheduled or in progress (and the port listens again). */
  outageOver(): Promise<void>;
  /** Resolves when `predicate()` holds, checked after every change to the stores. */
  waitFor(predicate: () => boolean, options?: WaitForOptions): Promise<void>;
  /** Empties the stores and resets the concurrency maximum; faults and policies stay. */
  clear(): void;
  /**
   * Aggregates of everything received since the start (LLM calls, logs by severity and
   * pattern, errors, requests and faults): what `GET /v1/dev/summary` answers.
   */
  summary(): DevSummarySnapshot;
  /** Stops the backend: cancels outages, closes every connection and the port. */
  close(): Promise<void>;
}
