/**
 * Fault injection: the declarative {@link FaultScript} and the engine that applies it.
 *
 * A script is a small object of independent faults that compose; each applies to every
 * route unless it (or the script) names routes. The engine only decides; the server
 * carries the decisions out and the outage controller handles time windows and sockets.
 *
 * Order in which a request meets the faults (first match wins from step 4 on):
 * 1. `latency` delays it;
 * 2. `resetMidRequest` may reset the connection while the body is being read;
 * 3. the body is read and its size on the wire known;
 * 4. an `outage` in `'unavailable'` mode answers 503;
 * 5. `statusSequence` answers its next status (a 2xx entry means "handle normally");
 * 6. `randomFailure` answers its status with probability `ratio`;
 * 7. `maxBodyBytes` answers 413 above the limit;
 * 8. then authentication and normal handling, where `partialSuccess` may shape the answer
 *    and `resetMidResponse` may cut it off after part of the body.
 */
import { createRandom, randomInt } from './prng';
import type { Random } from './prng';
import type { RouteName } from './types';

/** Restricts a fault to some routes; omitted means the script's `routes`, or all. */
export interface FaultRoutes {
  routes?: readonly RouteName[];
}

/** Answer these statuses, one per matching request, in order; then behave normally. */
export interface StatusSequenceFault extends FaultRoutes {
  /** E.g. `[503, 503, 200]`. A 2xx entry lets that request through to normal handling. */
  statuses: readonly number[];
}

/** Fail a reproducible fraction of matching requests. */
export interface RandomFailureFault extends FaultRoutes {
  /** Probability in `[0, 1]` that a request fails. */
  ratio: number;
  /** Status of the failures. Default 503. */
  status?: number;
  /** PRNG seed; default the backend's `seed`. The same seed gives the same failures. */
  seed?: number;
}

/** Delay every matching request before it is handled. */
export interface LatencyFault extends FaultRoutes {
  /** Fixed delay in ms, or `[min, max]` for a uniform (seeded) delay in that range. */
  ms: number | readonly [number, number];
}

/**
 * Take the backend down for a while, starting when the script is set.
 * - `'refuse'`: the listening socket is closed and open connections destroyed, so
 *   connects fail with ECONNREFUSED; afterwards it listens again on the same port.
 *   Applies to all routes (a socket has no paths), so `routes` is ignored.
 * - `'unavailable'`: the server stays up but answers 503 (with `retryAfter` if set).
 */
export interface OutageFault extends FaultRoutes {
  mode: 'refuse' | 'unavailable';
  /** Length of the outage in ms. */
  durationMs: number;
  /** Delay before the outage begins, in ms. Default 0 (immediately). */
  startAfterMs?: number;
}

/** Answer 413 to requests whose body on the wire is larger than `bytes`. */
export interface BodyLimitFault extends FaultRoutes {
  bytes: number;
}

/** Reset the connection after reading part of the request body; no answer is sent. */
export interface ResetMidRequestFault extends FaultRoutes {
  /** Reset once this many body bytes have arrived (or at the end of a shorter body). Default 1. */
  afterBytes?: number;
  /** How many matching requests to reset. Default: all. */
  times?: number;
  /**
   * Probability in `[0, 1]` that a matching request is reset (drawn from the backend's
   * seeded PRNG, so reproducible). Default 1: every matching request, up to `times`.
   */
  ratio?: number;
}

/**
 * Handle the request normally (the data is stored), then send the status line, headers
 * and half of the body, and destroy the connection: the client sees a truncated answer.
 */
export interface ResetMidResponseFault extends FaultRoutes {
  /** How many matching requests to cut off. Default: all. */
  times?: number;
}

/** Answer OTLP exports with a `partialSuccess` (applies to traces/logs/metrics only). */
export interface PartialSuccessFault extends FaultRoutes {
  /** Rejected spans / log records / data points to report. */
  rejected: number;
  errorMessage?: string;
  /** How many matching requests to answer this way. Default: all. */
  times?: number;
}

/**
 * A composable, declarative set of faults. Every member is optional; an empty script
 * (`{}`) means a healthy backend.
 *
 * @example
 * ```ts
 * await backend.setFaults({
 *   routes: ['traces'],
 *   statusSequence: { statuses: [503, 503, 200] },
 *   retryAfter: 1,
 *   latency: { ms: [5, 20] },
 * });
 * ```
 */
export interface FaultScript {
  /** Default routes of every fault below. Omitted: all routes. */
  routes?: readonly RouteName[];
  statusSequence?: StatusSequenceFault;
  randomFailure?: RandomFailureFault;
  /**
   * `Retry-After` to send with every 429 and 503: seconds (number), a `Date` (sent as
   * an HTTP-date), or a string sent verbatim (to test how clients treat odd values).
   */
  retryAfter?: number | Date | string;
  latency?: LatencyFault;
  outage?: OutageFault;
  maxBodyBytes?: BodyLimitFault;
  resetMidRequest?: ResetMidRequestFault;
  resetMidResponse?: ResetMidResponseFault;
  partialSuccess?: PartialSuccessFault;
}

/** Which fault decided a request's fate (recorded on the request). */
export type FaultKind =
  | 'reset-mid-request'
  | 'outage'
  | 'status-sequence'
  | 'random-failure'
  | 'body-limit'
  | 'reset-mid-response'
  | 'partial-success';

/** A failure answer decided by the faults. */
export interface FaultFailure {
  status: number;
  fault: FaultKind;
  message: string;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Applies a {@link FaultScript}; counters and PRNGs restart whenever the script is set. */
export class FaultInjector {
  private script: FaultScript = {};
  private sequenceIndex = 0;
  private resetRequestsLeft = 0;
  private resetResponsesLeft = 0;
  private partialsLeft = 0;
  private failureRandom: Random;
  private latencyRandom: Random;
  private resetRandom: Random;

  constructor(private readonly options: { seed: number }) {
    this.failureRandom = createRandom(options.seed);
    this.latencyRandom = createRandom(options.seed);
    this.resetRandom = createRandom(options.seed);
    this.set({});
  }

  /** The script in force. */
  get current(): FaultScript {
    return this.script;
  }

  /** Replaces the whole script. */
  set(script: FaultScript): void {
    this.script = script;
    this.sequenceIndex = 0;
    this.resetRequestsLeft = script.resetMidRequest?.times ?? Infinity;
    this.resetResponsesLeft = script.resetMidResponse?.times ?? Infinity;
    this.partialsLeft = script.partialSuccess?.times ?? Infinity;
    this.failureRandom = createRandom(script.randomFailure?.seed ?? this.options.seed);
    this.latencyRandom = createRandom(this.options.seed);
    this.resetRandom = createRandom(this.options.seed);
  }

  /** Whether `fault` applies to `route`. */
  applies(fault: FaultRoutes | undefined, route: RouteName): boolean {
    if (!fault) return false;
    const routes = fault.routes ?? this.script.routes;
    return routes === undefined || routes.includes(route);
  }

  /** Delay to add before handling, in ms (0 for none). */
  latencyFor(route: RouteName): number {
    const latency = this.script.latency;
    if (!latency || !this.applies(latency, route)) return 0;
    if (typeof latency.ms === 'number') return Math.max(0, latency.ms);
    const [min, max] = latency.ms;
    return Math.max(0, randomInt(this.latencyRandom, min, max));
  }

  /** When this request must be reset mid-body: the byte count to reset at. Consumes one use. */
  takeResetMidRequest(route: RouteName): number | undefined {
    const fault = this.script.resetMidRequest;
    if (!fault || !this.applies(fault, route) || this.resetRequestsLeft <= 0) return undefined;
    // Drawn only when a ratio is set, so scripts without one keep their exact behaviour.
    if (fault.ratio !== undefined && !(this.resetRandom() < fault.ratio)) return undefined;
    this.resetRequestsLeft -= 1;
    return Math.max(1, fault.afterBytes ?? 1);
  }

  /**
   * The failure answer for this request, if a fault decides one (steps 5 to 7 of the
   * order above; the outage is checked by the caller, who owns its time window).
   */
  failureFor(route: RouteName, request: { wireBytes: number }): FaultFailure | undefined {
    const { statusSequence, randomFailure, maxBodyBytes } = this.script;
    if (statusSequence && this.applies(statusSequence, route)) {
      const status = statusSequence.statuses[this.sequenceIndex];
      if (status !== undefined) {
        this.sequenceIndex += 1;
        if (!isSuccess(status)) {
          const message = `scripted status ${status} (${this.sequenceIndex} of ${statusSequence.statuses.length})`;
          return { status, fault: 'status-sequence', message };
        }
      }
    }
    if (randomFailure && this.applies(randomFailure, route)) {
      if (this.failureRandom() < randomFailure.ratio) {
        const status = randomFailure.status ?? 503;
        return { status, fault: 'random-failure', message: `random failure ${status}` };
      }
    }
    if (maxBodyBytes && this.applies(maxBodyBytes, route)) {
      if (request.wireBytes > maxBodyBytes.bytes) {
        const message = `body of ${request.wireBytes} bytes exceeds the limit of ${maxBodyBytes.bytes}`;
        return { status: 413, fault: 'body-limit', message };
      }
    }
    return undefined;
  }

  /** Whether to cut this answer off mid-body. Consumes one use. */
  takeResetMidResponse(route: RouteName): boolean {
    const fault = this.script.resetMidResponse;
    if (!fault || !this.applies(fault, route) || this.resetResponsesLeft <= 0) return false;
    this.resetResponsesLeft -= 1;
    return true;
  }

  /** The `partialSuccess` for this export answer, if any. Consumes one use. */
  takePartialSuccess(route: RouteName): { rejected: number; errorMessage?: string } | undefined {
    const fault = this.script.partialSuccess;
    if (!fault || !this.applies(fault, route) || this.partialsLeft <= 0) return undefined;
    this.partialsLeft -= 1;
    return { rejected: fault.rejected, errorMessage: fault.errorMessage };
  }

  /** The `Retry-After` header value for a status, if the script sets one and it applies. */
  retryAfterFor(status: number): string | undefined {
    const value = this.script.retryAfter;
    if (value === undefined || (status !== 429 && status !== 503)) return undefined;
    if (value instanceof Date) return value.toUTCString();
    if (typeof value === 'number') return String(Math.max(0, Math.round(value)));
    return value;
  }
}
