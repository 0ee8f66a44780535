/**
 * Composition of the backend: stores, policies, faults, outage control and the server.
 */
import { FaultInjector } from './faults';
import type { FaultScript } from './faults';
import { HOST, Listener } from './listener';
import { OutageController } from './outage';
import { PolicyStore } from './policy';
import type { PolicyInput } from './policy';
import { createBackendServer } from './server';
import { BackendStore } from './store';
import type { ReceivedLogRecord, ReceivedSpan } from './otlp-types';
import type {
  Backend,
  BackendOptions,
  ConcurrencyStats,
  ReceivedExport,
  ReceivedPatternReport,
  ReceivedPolicyRequest,
  RequestRecord,
  RouteName,
  WaitForOptions,
} from './types';

/** Default PRNG seed, so runs are reproducible even when a test sets none. */
const DEFAULT_SEED = 1;

/** The running backend; create it with `startBackend`. */
export class SprintLensBackend implements Backend {
  private readonly store = new BackendStore();
  private readonly policies: PolicyStore;
  private readonly faults: FaultInjector;
  private readonly listener: Listener;
  private readonly outage: OutageController;
  private closing: Promise<void> | undefined;

  private constructor(options: BackendOptions) {
    this.policies = new PolicyStore({ default: options.policy, byService: options.policies });
    this.faults = new FaultInjector({ seed: options.seed ?? DEFAULT_SEED });
    const server = createBackendServer({
      store: this.store,
      faults: this.faults,
      policies: this.policies,
      currentOutage: () => this.outage.current,
      auth: { apiKey: options.apiKey, failureStatus: options.authFailureStatus ?? 401 },
      onRequest: options.onRequest,
    });
    this.listener = new Listener(server);
    this.outage = new OutageController(this.listener);
  }

  /** Creates a backend and starts listening. */
  static async start(options: BackendOptions = {}): Promise<SprintLensBackend> {
    const backend = new SprintLensBackend(options);
    await backend.listener.open({ port: options.port ?? 0 });
    if (options.faults) await backend.setFaults(options.faults);
    return backend;
  }

  get port(): number {
    return this.listener.port;
  }

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  get requests(): readonly RequestRecord[] {
    return this.store.requests;
  }

  get traceRequests(): readonly ReceivedExport<'traces'>[] {
    return this.store.traceRequests;
  }

  get logRequests(): readonly ReceivedExport<'logs'>[] {
    return this.store.logRequests;
  }

  get metricRequests(): readonly ReceivedExport<'metrics'>[] {
    return this.store.metricRequests;
  }

  get spans(): readonly ReceivedSpan[] {
    return this.store.spans;
  }

  get logRecords(): readonly ReceivedLogRecord[] {
    return this.store.logRecords;
  }

  get patternReports(): readonly ReceivedPatternReport[] {
    return this.store.patternReports;
  }

  get policyRequests(): readonly ReceivedPolicyRequest[] {
    return this.store.policyRequests;
  }

  get concurrency(): Readonly<ConcurrencyStats> {
    return this.store.concurrency;
  }

  requestsTo(route: RouteName): RequestRecord[] {
    return this.store.requests.filter((record) => record.route === route);
  }

  async setFaults(script: FaultScript): Promise<void> {
    if (this.closing) throw new Error('backend: setFaults() after close()');
    this.faults.set(script);
    await this.outage.schedule(script.outage);
  }

  setPolicy(policy: PolicyInput, options: { service?: string } = {}): void {
    this.policies.set(policy, options);
  }

  removePolicy(options: { service: string }): void {
    this.policies.remove(options);
  }

  outageOver(): Promise<void> {
    return this.outage.whenOver();
  }

  waitFor(predicate: () => boolean, options?: WaitForOptions): Promise<void> {
    return this.store.waitFor(predicate, options);
  }

  clear(): void {
    this.store.clear();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.outage.dispose();
      await this.listener.shut();
    })();
    return this.closing;
  }
}
