/**
 * Composition of the backend: stores, policies, faults, outage control, summary and server.
 */
import { FaultInjector } from './faults';
import type { FaultScript } from './faults';
import { DEFAULT_HOST, Listener } from './listener';
import { OutageController } from './outage';
import { BudgetPolicies } from './pattern-policy';
import { DEFAULT_POLICY, PolicyStore } from './policy';
import type { PolicyInput } from './policy';
import { createBackendServer } from './server';
import { BackendStore } from './store';
import { DevSummary } from './summary';
import type { DevSummarySnapshot } from './summary';
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

/** Addresses that listen on every interface; clients reach them through loopback. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** `host` as it goes in a URL (IPv6 in brackets; wildcard addresses as loopback). */
function urlHost(host: string): string {
  if (WILDCARD_HOSTS.has(host)) return host.includes(':') ? '[::1]' : '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The running backend; create it with `startBackend`. */
export class SprintLensBackend implements Backend {
  private readonly store: BackendStore;
  private readonly policies: PolicyStore;
  private readonly faults: FaultInjector;
  private readonly listener: Listener;
  private readonly outage: OutageController;
  private readonly devSummary = new DevSummary();
  private closing: Promise<void> | undefined;

  private constructor(options: BackendOptions) {
    this.store = new BackendStore({ retain: options.retain, observers: [this.devSummary] });
    const basePolicy = withTtl(options.policy ?? DEFAULT_POLICY, options.policyTtlSeconds);
    this.policies = new PolicyStore({ default: basePolicy, byService: options.policies });
    for (const observer of options.observers ?? []) this.store.observe(observer);
    // Last, so observers see a report before the policy change it causes.
    if (options.budgetPerMinute !== undefined) {
      const budget = new BudgetPolicies({
        budgetPerMinute: options.budgetPerMinute,
        base: basePolicy,
        ttlSeconds: options.policyTtlSeconds,
        apply: (change) => {
          this.policies.set(change.policy, { service: change.service });
          this.store.policyChanged(change);
        },
      });
      this.store.observe(budget);
    }
    this.faults = new FaultInjector({ seed: options.seed ?? DEFAULT_SEED });
    const server = createBackendServer({
      store: this.store,
      faults: this.faults,
      policies: this.policies,
      currentOutage: () => this.outage.current,
      auth: { apiKey: options.apiKey, failureStatus: options.authFailureStatus ?? 401 },
      summary: () => this.summary(),
      limits: {
        maxRequestBytes: options.maxRequestBytes,
        maxDecompressedBytes: options.maxDecompressedBytes,
      },
    });
    this.listener = new Listener(server, options.host ?? DEFAULT_HOST);
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

  get host(): string {
    return this.listener.host;
  }

  get url(): string {
    return `http://${urlHost(this.host)}:${this.port}`;
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

  get evaluations(): readonly ReceivedLogRecord[] {
    return this.store.evaluations;
  }

  get experimentItems(): readonly ReceivedSpan[] {
    return this.store.experimentItems;
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

  summary(): DevSummarySnapshot {
    return this.devSummary.snapshot();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.outage.dispose();
      await this.listener.shut();
    })();
    return this.closing;
  }
}

/** The policy with `ttlSeconds` replaced, when it is an object and a ttl is given. */
function withTtl(policy: PolicyInput, ttlSeconds: number | undefined): PolicyInput {
  if (ttlSeconds === undefined) return policy;
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) return policy;
  if (policy.constructor !== Object) return policy; // RawPolicy and the like stay verbatim
  return { ...policy, ttlSeconds };
}
