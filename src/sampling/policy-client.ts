import { PolicyFetchFailedError, PolicyInvalidError } from '../base/errors';
import { endpointUrl } from '../base/endpoint-url';
import { debug, reportWarning } from '../base/diag';
import { healthReport, registerHealthSource } from '../base/health';
import type { HealthReport } from '../base/health';
import { HttpClient } from '../base/http-client';
import { MAX_POLICY_BYTES, parsePolicy } from './sampling-policy';
import type { SamplingPolicy } from './sampling-policy';
import { registerPolicyRefresh } from './sampler-metrics';

/** Settings of a {@link PolicyClient}. */
export interface PolicyClientOptions {
  /** Backend base URL (no trailing slash). */
  readonly endpoint: string;
  readonly serviceName: string;
  /** Authorization, user-agent and any other headers to send. */
  readonly headers: Readonly<Record<string, string>>;
  readonly refreshMillis: number;
  readonly timeoutMillis: number;
  readonly now: () => number;
  /** Called with each new valid policy (not on a 304). */
  readonly onPolicy: (policy: SamplingPolicy) => void;
}

/** Retry sooner than the refresh period after a failure, but not in a tight loop. */
const RETRY_AFTER_FAILURE_MS = 30_000;
const MIN_DELAY_MS = 50;
/**
 * The policy is stale (health `degraded`, alert `SprintlensSamplingPolicyStale`) once it has gone
 * unconfirmed for this many refresh periods: one failed refresh is noise, three are an outage.
 */
export const POLICY_STALE_REFRESHES = 3;

/**
 * Fetches the sampling policy from `GET /v1/sampling/policy?service.name=NAME` at start and then
 * periodically, with `If-None-Match` so an unchanged policy costs a 304. A policy that fails
 * validation, an error status or an unreachable backend leaves the last good policy in force;
 * each failure is counted and reported (rate-limited) with a code. Runs on an unref'd timer and
 * unref'd sockets: it never delays a log call nor keeps the app alive.
 */
export class PolicyClient {
  fetchFailures = 0;
  invalid = 0;
  /** Clock time of the last 200 with a valid policy or 304. */
  confirmedAt: number | undefined;
  /** Version of the last valid policy received. */
  version: string | undefined;
  private startedAt: number | undefined;
  private unregister: (() => void)[] = [];
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;
  private readonly client: HttpClient;

  constructor(private readonly options: PolicyClientOptions) {
    const url = endpointUrl(options.endpoint, '/v1/sampling/policy', {
      'service.name': options.serviceName,
    });
    this.client = new HttpClient(url, { maxSockets: 1 });
  }

  /** First fetch now, then every refresh period. Registers the `sampling_policy` health check. */
  start(): void {
    if (this.startedAt === undefined) {
      this.startedAt = this.options.now();
      this.unregister.push(
        registerHealthSource({ name: 'sampling_policy', check: () => this.health() }),
        registerPolicyRefresh(() => this.options.refreshMillis / 1000),
      );
    }
    this.schedule(0);
  }

  stop(): void {
    for (const unregister of this.unregister.splice(0)) unregister();
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.client.close();
  }

  /** One fetch (resolves when it is over; never rejects). Concurrent calls share one fetch. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * `degraded` once no policy has been received or confirmed for
   * {@link POLICY_STALE_REFRESHES} refresh periods (since start when none ever was); never
   * `unhealthy`: the sampler keeps the last good policy (or the local rates) and a restart
   * would not bring the backend back.
   */
  health(): HealthReport {
    const now = this.options.now();
    const refresh = this.options.refreshMillis;
    const since = this.confirmedAt ?? this.startedAt ?? now;
    const degraded: string[] = [];
    if (now - since > POLICY_STALE_REFRESHES * refresh) {
      degraded.push(this.confirmedAt === undefined ? 'policy_never_fetched' : 'policy_stale');
    }
    return healthReport(degraded, [], {
      version: this.version ?? null,
      ageSeconds: this.confirmedAt === undefined ? null : (now - this.confirmedAt) / 1000,
      refreshSeconds: refresh / 1000,
      staleAfterSeconds: (POLICY_STALE_REFRESHES * refresh) / 1000,
      fetchFailures: this.fetchFailures,
      invalid: this.invalid,
    });
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    // One pending timer at most, even when refresh() is also called from outside.
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.refresh();
      },
      Math.max(delay, 0),
    );
    this.timer.unref();
  }

  private async fetchOnce(): Promise<void> {
    let ok = false;
    let ttlMillis = Infinity;
    const headers: Record<string, string> = { ...this.options.headers, accept: 'application/json' };
    if (this.etag !== undefined) headers['if-none-match'] = this.etag;
    const response = await this.client.get({
      headers,
      timeoutMillis: this.options.timeoutMillis,
      maxResponseBytes: MAX_POLICY_BYTES,
      // A background refresh never keeps the app alive.
      ref: false,
    });
    // Cut short by stop() (its connection closed at shutdown): not a failure to report.
    if (this.stopped) return;
    if (response.kind === 'network-error') {
      this.fetchFailures++;
      reportWarning(new PolicyFetchFailedError(response.code));
    } else if (response.truncated) {
      this.fetchFailures++;
      reportWarning(new PolicyFetchFailedError('response too large'));
    } else if (response.status === 304) {
      ok = true;
      this.confirmedAt = this.options.now();
      debug('sampling policy unchanged (304)');
    } else if (response.status === 200) {
      const parsed = parsePolicy(new TextDecoder().decode(response.body));
      if (parsed.ok) {
        ok = true;
        this.etag = response.etag;
        this.version = parsed.policy.version;
        this.confirmedAt = this.options.now();
        if (parsed.policy.ttlSeconds !== undefined) ttlMillis = parsed.policy.ttlSeconds * 1000;
        try {
          this.options.onPolicy(parsed.policy);
        } catch (error) {
          debug('applying the sampling policy failed', error);
        }
        debug(`sampling policy ${parsed.policy.version} in force`);
      } else {
        this.invalid++;
        reportWarning(new PolicyInvalidError(parsed.reason));
      }
    } else {
      this.fetchFailures++;
      reportWarning(new PolicyFetchFailedError(`status ${response.status}`));
    }
    const refresh = Math.min(this.options.refreshMillis, ttlMillis);
    this.schedule(Math.max(MIN_DELAY_MS, ok ? refresh : Math.min(refresh, RETRY_AFTER_FAILURE_MS)));
  }
}
