import { PatternReportFailedError } from '../base/errors';
import { endpointUrl } from '../base/endpoint-url';
import { debug, reportWarning } from '../base/diag';
import { HttpClient } from '../base/http-client';
import type { PatternSampler } from './pattern-sampler';

/** Settings of a {@link PatternReporter}. */
export interface PatternReporterOptions {
  readonly endpoint: string;
  readonly serviceName: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  /** Most patterns per report (the largest counts). */
  readonly maxPatterns: number;
  readonly now: () => number;
  readonly sampler: PatternSampler;
}

/**
 * Posts the window's pattern statistics (`POST /v1/sampling/patterns`) every interval and once
 * more at shutdown, bounded to the patterns with the largest counts. A failed report is counted
 * and reported with a code; its window is not resent (the next window starts clean), so memory
 * stays flat while the backend is away.
 */
export class PatternReporter {
  failures = 0;
  sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private windowStart: number;
  private stopped = false;
  private readonly client: HttpClient;

  constructor(private readonly options: PatternReporterOptions) {
    this.windowStart = options.now();
    this.client = new HttpClient(endpointUrl(options.endpoint, '/v1/sampling/patterns'), {
      maxSockets: 1,
    });
  }

  start(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = setInterval(() => {
      void this.report({ final: false });
    }, this.options.intervalMillis);
    this.timer.unref();
  }

  /** Stops the timer and sends the last window (awaited, bounded by the request timeout). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.report({ final: true });
    this.client.close();
  }

  /** Sends the current window now (resolves when done; never rejects). */
  async report(options: { final: boolean }): Promise<void> {
    const windowEnd = this.options.now();
    const patterns = this.options.sampler.drainWindow(this.options.maxPatterns);
    const windowStart = this.windowStart;
    this.windowStart = windowEnd;
    if (patterns.length === 0) return;
    const body = JSON.stringify({
      service: this.options.serviceName,
      windowStart: new Date(windowStart).toISOString(),
      windowEnd: new Date(windowEnd).toISOString(),
      patterns,
    });
    const response = await this.client.post(body, {
      headers: {
        ...this.options.headers,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      timeoutMillis: this.options.timeoutMillis,
      // The final report at shutdown holds the process until it is answered (or times out).
      ref: options.final,
    });
    if (response.kind === 'network-error') {
      this.failures++;
      reportWarning(new PatternReportFailedError(response.code));
      return;
    }
    if (response.status >= 200 && response.status < 300) {
      this.sent++;
      debug(`pattern report sent: ${patterns.length} patterns`);
      return;
    }
    this.failures++;
    reportWarning(new PatternReportFailedError(`status ${response.status}`));
  }
}
